/* Experiment commands of the nisac program. */
#ifndef NISAC_CLI_EXP_CMDS_H
#define NISAC_CLI_EXP_CMDS_H
int nisac_cmd_run(int argc, char **argv);
int nisac_cmd_summarize(int argc, char **argv);
int nisac_cmd_report(int argc, char **argv);
int nisac_cmd_train(int argc, char **argv);
/* Creates a folder and its parents (existing ones are fine). */
void nisac_cli_mkdirs(const char *path);
int nisac_cmd_plot(int argc, char **argv);
#endif
