/* cli_specs.c — every command's option spec in one list, so a test can walk
 * them all (each --help must name every option its parser accepts). */
#include "cli_args.h"

extern const cli_spec cli_spec_binomial, cli_spec_consistency, cli_spec_reliability,
    cli_spec_stimuli_analyse, cli_spec_stimuli_build, cli_spec_stimuli_check,
    cli_spec_stimuli_demo_data, cli_spec_stimuli_imagestats, cli_spec_sessions, cli_spec_export,
    cli_spec_merge, cli_spec_db, cli_spec_analyse, cli_spec_plan_2afc, cli_spec_plan_ec,
    cli_spec_plan_alpha, cli_spec_demo, cli_spec_run;

/* clang-format off */
const cli_spec *const cli_all_specs[] = {
    &cli_spec_binomial,
    &cli_spec_consistency,
    &cli_spec_reliability,
    &cli_spec_stimuli_analyse,
    &cli_spec_stimuli_build,
    &cli_spec_stimuli_check,
    &cli_spec_stimuli_demo_data,
    &cli_spec_stimuli_imagestats,
    &cli_spec_sessions,
    &cli_spec_export,
    &cli_spec_merge,
    &cli_spec_db,
    &cli_spec_analyse,
    &cli_spec_plan_2afc,
    &cli_spec_plan_ec,
    &cli_spec_plan_alpha,
    &cli_spec_demo,
    &cli_spec_run,
    NULL,
};
/* clang-format on */
