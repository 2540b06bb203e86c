/*
 * params.h - a policy's "k=v,k=v" parameters, parsed once at system creation.
 */
#ifndef VMM_POLICY_PARAMS_H
#define VMM_POLICY_PARAMS_H

#include "internal.h"

#define POLICY_MAX_PARAMS 8

struct policy_param {
    char key[32]; /* parameter name */
    char val[64]; /* its text */
    bool used;    /* read by the policy (unread ones are an error) */
};

struct policy_params {
    struct policy_param kv[POLICY_MAX_PARAMS]; /* in the order given */
    size_t n;                                  /* entries used */
};

/* Parses text (may be NULL) into pp. Returns 0 or VMM_EPARSE with a message. */
int vmm__params_parse(struct vmm_system *sys, const char *text, struct policy_params *pp);
/* VMM_EPARSE naming the first parameter the policy did not read, else 0. */
int vmm__params_unused(struct vmm_system *sys, const struct policy_params *pp);

#endif
