/* mkfixture.c — make a fixture folder by hand, for trying the runner:
 * mkfixture 2afc|rating NMAIN NPRACTICE W H  -> prints the folder. */
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: mkfixture 2afc|rating NMAIN NPRACTICE W H\n");
        return 2;
    }
    fx f;
    fx_opts o = {argv[1], "set1", atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), 0};
    if (fx_setup(&f, &o) != 0)
        return 1;
    printf("%s\n", f.dir);
    return 0;
}
