/*
 * registry.c - the table of replacement policies, looked up by name, and the
 * "k=v,k=v" parameter parser they share. Adding a policy: one file under
 * src/policy/ exporting its ops, one line in the table below.
 */
#include "internal.h"
#include "policy/flist.h"
#include "policy/params.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

extern const struct vmm_policy_ops vmm__policy_fifo, vmm__policy_lru, vmm__policy_opt,
    vmm__policy_random, vmm__policy_clock, vmm__policy_eclock, vmm__policy_nru, vmm__policy_aging,
    vmm__policy_lfu, vmm__policy_mfu, vmm__policy_ws, vmm__policy_wsclock;

const struct vmm_policy_ops *const vmm__policies[] = {
    &vmm__policy_fifo,  &vmm__policy_lru,    &vmm__policy_opt, &vmm__policy_random,
    &vmm__policy_clock, &vmm__policy_eclock, &vmm__policy_nru, &vmm__policy_aging,
    &vmm__policy_lfu,   &vmm__policy_mfu,    &vmm__policy_ws,  &vmm__policy_wsclock,
};
const size_t vmm__npolicies = sizeof vmm__policies / sizeof vmm__policies[0];

const struct vmm_policy_ops *vmm__policy_find(const char *name)
{
    for (size_t i = 0; i < vmm__npolicies; i++)
        if (strcmp(vmm__policies[i]->info.name, name) == 0)
            return vmm__policies[i];
    return NULL;
}

const struct vmm_policy_info *vmm_policy_at(size_t i)
{
    return i < vmm__npolicies ? &vmm__policies[i]->info : NULL;
}

int vmm__params_parse(struct vmm_system *sys, const char *text, struct policy_params *pp)
{
    memset(pp, 0, sizeof *pp);
    if (!text)
        return 0;
    const char *s = text;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        const char *eq = memchr(s, '=', n);
        if (n == 0) {
            s += 1;
            continue;
        }
        if (!eq || eq == s)
            return vmm__fail(sys, VMM_EPARSE, "policy %s: expected key=value, found '%.*s'",
                             sys->policy_name, (int)n, s);
        if (pp->n == POLICY_MAX_PARAMS)
            return vmm__fail(sys, VMM_EPARSE, "policy %s: more than %d parameters",
                             sys->policy_name, POLICY_MAX_PARAMS);
        struct policy_param *p = &pp->kv[pp->n++];
        size_t kl = (size_t)(eq - s), vl = n - kl - 1;
        if (kl >= sizeof p->key || vl >= sizeof p->val)
            return vmm__fail(sys, VMM_EPARSE, "policy %s: parameter '%.*s' is too long",
                             sys->policy_name, (int)n, s);
        memcpy(p->key, s, kl);
        memcpy(p->val, eq + 1, vl);
        s += n + (comma ? 1 : 0);
    }
    return 0;
}

int vmm__param_u64(struct vmm_system *sys, const struct policy_params *pp, const char *key,
                   uint64_t def, uint64_t min, uint64_t max, uint64_t *out)
{
    struct policy_params *w = (struct policy_params *)pp; /* marks use; callers own pp */
    *out = def;
    for (size_t i = 0; i < pp->n; i++) {
        if (strcmp(pp->kv[i].key, key) != 0)
            continue;
        const char *v = pp->kv[i].val;
        char *end;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 0);
        w->kv[i].used = true;
        if (*v == '\0' || *end != '\0' || *v == '-' || errno)
            return vmm__fail(sys, VMM_EPARSE, "policy %s: %s=%s is not a whole number",
                             sys->policy_name, key, v);
        if (x < min || x > max)
            return vmm__fail(sys, VMM_ERANGE,
                             "policy %s: %s=%s is out of range (%" PRIu64 " .. %" PRIu64 ")",
                             sys->policy_name, key, v, min, max);
        *out = x;
    }
    return 0;
}

int vmm__param_delta(struct vmm_system *sys, const struct policy_params *pp)
{
    uint64_t set = sys->cfg.ws_delta, d;
    int r = vmm__param_u64(sys, pp, "delta", set ? set : VMM_WS_DELTA_DEFAULT, 1, UINT64_MAX, &d);
    if (r < 0)
        return r;
    if (set && d != set)
        return vmm__fail(sys, VMM_EINVAL,
                         "policy %s: delta=%" PRIu64 " differs from the working-set window "
                         "configured, %" PRIu64 " (give one of them)",
                         sys->policy_name, d, set);
    sys->cfg.ws_delta = d;
    return 0;
}

int vmm__params_unused(struct vmm_system *sys, const struct policy_params *pp)
{
    for (size_t i = 0; i < pp->n; i++)
        if (!pp->kv[i].used)
            return vmm__fail(sys, VMM_EPARSE, "policy %s: unknown parameter '%s' (accepted: %s)",
                             sys->policy_name, pp->kv[i].key,
                             *sys->pol->info.params ? sys->pol->info.params : "none");
    return 0;
}

int vmm__flist_check(const struct flist *l, const struct vmm_system *sys, const char *who,
                     char *msg, size_t len)
{
    uint64_t n = 0;
    frame_t prev = FRAME_NONE;
    for (frame_t f = l->head; f != FRAME_NONE; f = l->link[f].next) {
        if (f >= sys->nframes || !flist_on(l, f) || l->link[f].prev != prev || ++n > sys->nframes) {
            snprintf(msg, len, "%s: list broken at frame %u", who, (unsigned)f);
            return -1;
        }
        if (!sys->frames[f].pte) {
            snprintf(msg, len, "%s: tracks frame %u, which holds no page", who, (unsigned)f);
            return -1;
        }
        prev = f;
    }
    if (prev != l->tail || n != l->count || n != sys->nframes - sys->nfree) {
        snprintf(msg, len, "%s: tracks %" PRIu64 " frames, %" PRIu64 " hold pages", who, n,
                 sys->nframes - sys->nfree);
        return -1;
    }
    return 0;
}
