/* libFuzzer target: the command-line parser of the nisac program.  The
 * input is split at newlines into arguments of `nisac solve ... --dry-run`
 * (or of systems, algos, help, version): every flag of the tables, their
 * values.  The program is linked in with its main renamed; `make fuzz`
 * runs it with -close_fd_mask=3, so that its output is dropped. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nisac_cli_main(int argc, char **argv);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = 0;
    char *argv[40];
    int argc = 0;
    argv[argc++] = "nisac";
    static char *const cmds[] = {"solve", "solve", "solve", "systems", "algos", "help", "version", "solve"};
    argv[argc++] = cmds[size ? data[0] % 8 : 0];
    for (char *p = size ? buf + 1 : buf; *p && argc < 36;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        if (strcmp(p, "--dry-run") && strncmp(p, "--config", 8)) argv[argc++] = p; /* files stay out */
        if (!nl) break;
        p = nl + 1;
    }
    if (!strcmp(argv[1], "solve")) argv[argc++] = "--dry-run";
    argv[argc] = NULL;
    int rc = nisac_cli_main(argc, argv);
    if (rc < 0 || rc > 3) __builtin_trap();
    free(buf);
    return 0;
}
