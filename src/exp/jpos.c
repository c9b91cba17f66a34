/* A JSON scanner that records where each value is (see jpos.h).  It runs
 * after jansson has accepted the text, so it only tracks structure. */
#include "jpos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t len, i;
    int line, col;
    jpos_map *m;
} scan_t;

static void adv(scan_t *c)
{
    if (c->i >= c->len) return;
    if (c->s[c->i] == '\n') {
        c->line++;
        c->col = 1;
    } else if (((unsigned char)c->s[c->i] & 0xC0) != 0x80) {
        c->col++; /* count code points, not UTF-8 continuation bytes */
    }
    c->i++;
}

static void skip_ws(scan_t *c)
{
    while (c->i < c->len && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        adv(c);
}

static int add(jpos_map *m, const char *path, int line, int col)
{
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 64;
        jpos_entry *e = realloc(m->e, sizeof *e * (size_t)cap);
        if (!e) return -1;
        m->e = e;
        m->cap = cap;
    }
    m->e[m->n].path = strdup(path);
    if (!m->e[m->n].path) return -1;
    m->e[m->n].line = line;
    m->e[m->n].col = col;
    m->n++;
    return 0;
}

/* Reads a string starting at '"' into buf (escapes kept raw, truncated). */
static void read_string(scan_t *c, char *buf, size_t buflen)
{
    size_t k = 0;
    adv(c); /* opening quote */
    while (c->i < c->len && c->s[c->i] != '"') {
        if (c->s[c->i] == '\\') {
            if (k + 1 < buflen) buf[k++] = c->s[c->i];
            adv(c);
        }
        if (c->i < c->len) {
            if (k + 1 < buflen) buf[k++] = c->s[c->i];
            adv(c);
        }
    }
    adv(c); /* closing quote */
    if (buflen) buf[k < buflen ? k : buflen - 1] = 0;
}

static int value(scan_t *c, char *path, size_t plen, int depth);

static int container(scan_t *c, char *path, size_t plen, int depth, int obj)
{
    adv(c); /* { or [ */
    size_t base = strlen(path);
    int idx = 0;
    for (;;) {
        skip_ws(c);
        if (c->i >= c->len) return 0;
        char ch = c->s[c->i];
        if (ch == (obj ? '}' : ']')) {
            adv(c);
            return 0;
        }
        if (ch == ',') {
            adv(c);
            continue;
        }
        int line = c->line, col = c->col;
        if (obj) {
            char key[128];
            if (ch != '"') return 0;
            read_string(c, key, sizeof key);
            snprintf(path + base, plen - base, "%s%s", base ? "." : "", key);
            if (add(c->m, path, line, col)) return -1;
            skip_ws(c);
            if (c->i < c->len && c->s[c->i] == ':') adv(c);
            skip_ws(c);
        } else {
            snprintf(path + base, plen - base, "[%d]", idx++);
            if (add(c->m, path, line, col)) return -1;
        }
        size_t before = c->i;
        if (value(c, path, plen, depth + 1)) return -1;
        path[base] = 0;
        if (c->i == before) return 0; /* no progress: not JSON this scanner knows; stop */
    }
}

/* Consumes one value without recording it (beyond the recorded depth). */
static void skip_value(scan_t *c)
{
    int depth = 0;
    do {
        skip_ws(c);
        if (c->i >= c->len) return;
        char ch = c->s[c->i];
        if (ch == '"') {
            char tmp[2];
            read_string(c, tmp, sizeof tmp);
        } else if (depth == 0 && ch != '{' && ch != '[') {
            while (c->i < c->len && !strchr(",]} \t\r\n", c->s[c->i])) adv(c);
        } else {
            if (ch == '{' || ch == '[') depth++;
            else if (ch == '}' || ch == ']') depth--;
            adv(c);
        }
    } while (depth > 0);
}

static int value(scan_t *c, char *path, size_t plen, int depth)
{
    skip_ws(c);
    if (c->i >= c->len) return 0;
    if (depth > 64) {
        skip_value(c);
        return 0;
    }
    char ch = c->s[c->i];
    if (ch == '{' || ch == '[') return container(c, path, plen, depth, ch == '{');
    if (ch == '"') {
        char tmp[8];
        read_string(c, tmp, sizeof tmp);
        return 0;
    }
    while (c->i < c->len && !strchr(",]} \t\r\n", c->s[c->i])) adv(c);
    return 0;
}

int jpos_scan(const char *text, size_t len, jpos_map *m)
{
    memset(m, 0, sizeof *m);
    scan_t c = {text, len, 0, 1, 1, m};
    char path[1024] = "";
    return value(&c, path, sizeof path, 0);
}

int jpos_find(const jpos_map *m, const char *path, int *line, int *col)
{
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->e[i].path, path)) {
            *line = m->e[i].line;
            *col = m->e[i].col;
            return 1;
        }
    *line = *col = 0;
    return 0;
}

void jpos_free(jpos_map *m)
{
    for (int i = 0; i < m->n; i++) free(m->e[i].path);
    free(m->e);
    memset(m, 0, sizeof *m);
}
