/*
 * policies.c - `vmm policies`: the registry, one line each.
 */
#include "cli.h"

#include <stdio.h>

int cmd_policies(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return cli_error(EXIT_USAGE, "policies: takes no arguments");
    const struct vmm_policy_info *p;
    for (size_t i = 0; (p = vmm_policy_at(i)) != NULL; i++) {
        printf("%-8s %s", p->name, p->summary);
        if (*p->params)
            printf(" [%s]", p->params);
        putchar('\n');
    }
    return EXIT_OK;
}
