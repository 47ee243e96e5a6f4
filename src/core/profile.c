/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine profiles (format in profile.h), read with GLib's GKeyFile.
 *
 * GKeyFile says what is wrong with a malformed file but not where, and it silently merges a
 * section or key given twice. So the text is first scanned line by line here, with GKeyFile's
 * own rules, to report "FILE: line N: ..." and to refuse duplicates (a key set twice is almost
 * always a mistake, and which one wins should not be a surprise). Then GKeyFile parses it.
 *
 * The [machine] section is checked completely when the profile is loaded (its board must exist,
 * its keys must be the board's props, its values must parse). Device sections can only be
 * checked against the devices the board creates, so they are checked while the machine is built,
 * before anything is realized. Either way the error names the file, the section and the key.
 */
#include "core/profile.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"

#define MACHINE_GROUP "machine"
/* A profile is a few lines; anything this big is some other file given by mistake. */
#define PROFILE_MAX_BYTES (1024 * 1024)

struct Profile {
    char *path;      /* the file, or the name given for errors */
    char *base_dir;  /* folder that relative PROP_PATH values resolve against; NULL: cwd */
    char *text;      /* the text as loaded, or as rewritten after profile_set */
    char *name;      /* [machine] name, else the file name without .ini */
    GKeyFile *kf;
    const BoardClass *board;
    const BoardClass *extra_board; /* outside the registry; may be NULL */
};

static const char *const common_keys[] = { "name", "description", "board", NULL };

static bool is_common_key(const char *key)
{
    for (size_t i = 0; common_keys[i]; i++) {
        if (strcmp(key, common_keys[i]) == 0) {
            return true;
        }
    }
    return false;
}

static const PropDef *find_prop(const PropDef *props, const char *name)
{
    for (const PropDef *p = props; p && p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}

/* "a, b, c" of the known props, common keys first when asked. */
static char *known_keys(const PropDef *props, bool with_common)
{
    GString *s = g_string_new(NULL);
    if (with_common) {
        for (size_t i = 0; common_keys[i]; i++) {
            g_string_append_printf(s, "%s%s", s->len ? ", " : "", common_keys[i]);
        }
    }
    for (const PropDef *p = props; p && p->name; p++) {
        g_string_append_printf(s, "%s%s", s->len ? ", " : "", p->name);
    }
    if (!s->len) {
        g_string_append(s, "none");
    }
    return g_string_free(s, FALSE);
}

static char *known_boards(const BoardClass *extra)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < board_count(); i++) {
        g_string_append_printf(s, "%s%s", i ? ", " : "", board_at(i)->name);
    }
    if (extra) {
        g_string_append_printf(s, "%s%s", s->len ? ", " : "", extra->name);
    }
    return g_string_free(s, FALSE);
}

void profile_free(Profile *p)
{
    if (!p) {
        return;
    }
    free(p->path);
    free(p->base_dir);
    free(p->text);
    free(p->name);
    if (p->kf) {
        g_key_file_free(p->kf);
    }
    free(p);
}

const char *profile_name(const Profile *p)
{
    return p->name;
}

const char *profile_board(const Profile *p)
{
    return p->board->name;
}

const char *profile_text(const Profile *p)
{
    return p->text;
}

/* ---- the line scan ---- */

/* Checks the text with GKeyFile's rules, line by line. Where each section and key was first
 * seen is kept ("section" or "section\nkey" -> line), to refuse duplicates naming both lines. */
static bool scan_lines(const char *file, const char *text, AmberError *err)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char **lines = g_strsplit(text, "\n", -1);
    char *group = NULL;
    bool ok = true;
    for (int i = 0; ok && lines[i]; i++) {
        int lineno = i + 1;
        char *raw = lines[i];
        if (!g_utf8_validate(raw, -1, NULL)) {
            ok = amber_error(err, "%s: line %d: is not valid UTF-8 text", file, lineno);
            break;
        }
        char *line = g_strstrip(raw); /* also drops the \r of DOS line ends */
        if (!*line || *line == '#') {
            continue;
        }
        if (*line == '[') {
            size_t len = strlen(line);
            if (line[len - 1] != ']') {
                ok = amber_error(err, "%s: line %d: '%s' has no closing ']'", file, lineno, line);
                break;
            }
            line[len - 1] = '\0';
            char *name = line + 1;
            if (!*name || strpbrk(name, "[]")) {
                ok = amber_error(err, "%s: line %d: '[%s]' is not a valid section name", file,
                                 lineno, name);
                break;
            }
            gpointer first;
            if (g_hash_table_lookup_extended(seen, name, NULL, &first)) {
                ok = amber_error(err, "%s: line %d: section [%s] appears twice (first on line %d)",
                                 file, lineno, name, GPOINTER_TO_INT(first));
                break;
            }
            g_hash_table_insert(seen, g_strdup(name), GINT_TO_POINTER(lineno));
            g_free(group);
            group = g_strdup(name);
            continue;
        }
        char *eq = strchr(line, '=');
        if (!eq) {
            ok = amber_error(err, "%s: line %d: '%s' is not a key=value line, a [section] or a "
                             "# comment", file, lineno, line);
            break;
        }
        *eq = '\0';
        char *key = g_strstrip(line);
        if (!*key) {
            ok = amber_error(err, "%s: line %d: a value with no key before the '='", file, lineno);
            break;
        }
        if (!group) {
            ok = amber_error(err, "%s: line %d: key '%s' comes before any [section]", file,
                             lineno, key);
            break;
        }
        char *id = g_strconcat(group, "\n", key, NULL);
        gpointer first;
        if (g_hash_table_lookup_extended(seen, id, NULL, &first)) {
            ok = amber_error(err, "%s: line %d: [%s] key '%s' is set twice (first on line %d)",
                             file, lineno, group, key, GPOINTER_TO_INT(first));
            g_free(id);
            break;
        }
        g_hash_table_insert(seen, id, GINT_TO_POINTER(lineno));
    }
    g_free(group);
    g_strfreev(lines);
    g_hash_table_destroy(seen);
    return ok;
}

/* ---- values ---- */

/* The raw value (no GKeyFile escape processing: a DOS path keeps its backslashes), trimmed. */
static char *get_value(GKeyFile *kf, const char *group, const char *key)
{
    char *v = g_key_file_get_value(kf, group, key, NULL);
    if (!v) {
        return NULL;
    }
    g_strstrip(v);
    return v;
}

/* Applies (or, with base == NULL, checks on a scratch struct) every board prop in [machine]. */
static bool apply_machine_keys(const Profile *p, void *base, AmberError *err)
{
    const BoardClass *b = p->board;
    void *scratch = NULL;
    if (!base) {
        scratch = calloc(1, b->state_size ? b->state_size : 1);
        if (!scratch) {
            return amber_error(err, "%s: out of memory", p->path);
        }
        base = scratch;
    }
    gsize n = 0;
    char **keys = g_key_file_get_keys(p->kf, MACHINE_GROUP, &n, NULL);
    bool ok = true;
    for (gsize i = 0; ok && keys && keys[i]; i++) {
        if (is_common_key(keys[i])) {
            continue;
        }
        const PropDef *pd = find_prop(b->props, keys[i]);
        if (!pd) {
            char *known = known_keys(b->props, true);
            ok = amber_error(err, "%s: [" MACHINE_GROUP "] unknown key '%s' (known: %s)", p->path,
                             keys[i], known);
            g_free(known);
            break;
        }
        char *value = get_value(p->kf, MACHINE_GROUP, keys[i]);
        char *where = g_strdup_printf("%s: [" MACHINE_GROUP "] %s", p->path, keys[i]);
        ok = prop_apply(pd, base, value ? value : "", p->base_dir, where, err);
        g_free(where);
        g_free(value);
    }
    g_strfreev(keys);
    if (scratch) {
        prop_free_strings(b->props, scratch);
        free(scratch);
    }
    return ok;
}

/* Looks up the board and checks the whole [machine] section. */
static bool check_machine_group(Profile *p, AmberError *err)
{
    if (!g_key_file_has_group(p->kf, MACHINE_GROUP)) {
        return amber_error(err, "%s: has no [" MACHINE_GROUP "] section", p->path);
    }
    char *board = get_value(p->kf, MACHINE_GROUP, "board");
    if (!board || !*board) {
        char *known = known_boards(p->extra_board);
        amber_error(err, "%s: [" MACHINE_GROUP "] board: no board given (known boards: %s)",
                    p->path, known);
        g_free(known);
        g_free(board);
        return false;
    }
    const BoardClass *b = board_find(board);
    if (!b && p->extra_board && strcmp(board, p->extra_board->name) == 0) {
        b = p->extra_board;
    }
    if (!b) {
        char *known = known_boards(p->extra_board);
        amber_error(err, "%s: [" MACHINE_GROUP "] board: unknown board '%s' (known boards: %s)",
                    p->path, board, known);
        g_free(known);
        g_free(board);
        return false;
    }
    g_free(board);
    p->board = b;
    if (!apply_machine_keys(p, NULL, err)) {
        return false;
    }
    char *name = get_value(p->kf, MACHINE_GROUP, "name");
    if (!name || !*name) {
        g_free(name);
        char *base = g_path_get_basename(p->path);
        if (g_str_has_suffix(base, ".ini")) {
            base[strlen(base) - 4] = '\0';
        }
        name = base;
    }
    free(p->name);
    p->name = strdup(name);
    g_free(name);
    return p->name != NULL || amber_error(err, "%s: out of memory", p->path);
}

static Profile *profile_parse(char *text, const char *path, char *base_dir,
                              const BoardClass *extra_board, AmberError *err)
{
    Profile *p = calloc(1, sizeof *p);
    if (!p) {
        free(text);
        free(base_dir);
        amber_error(err, "%s: out of memory", path);
        return NULL;
    }
    p->text = text;
    p->base_dir = base_dir;
    p->extra_board = extra_board;
    p->path = strdup(path);
    if (!p->path) {
        profile_free(p);
        amber_error(err, "%s: out of memory", path);
        return NULL;
    }
    if (!scan_lines(path, text, err)) {
        profile_free(p);
        return NULL;
    }
    p->kf = g_key_file_new();
    GError *gerr = NULL;
    if (!g_key_file_load_from_data(p->kf, text, (gsize)-1, G_KEY_FILE_KEEP_COMMENTS, &gerr)) {
        amber_error(err, "%s: %s", path, gerr->message);
        g_error_free(gerr);
        profile_free(p);
        return NULL;
    }
    if (!check_machine_group(p, err)) {
        profile_free(p);
        return NULL;
    }
    return p;
}

Profile *profile_load_data(const char *text, const char *name_for_errors, AmberError *err)
{
    const char *what = name_for_errors ? name_for_errors : "(profile)";
    char *copy = strdup(text ? text : "");
    if (!copy) {
        amber_error(err, "%s: out of memory", what);
        return NULL;
    }
    return profile_parse(copy, what, NULL, NULL, err);
}

Profile *profile_load_file(const char *path, AmberError *err)
{
    return profile_load_file_with_board(path, NULL, err);
}

Profile *profile_load_file_with_board(const char *path, const BoardClass *extra_board,
                                      AmberError *err)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        amber_error(err, "%s: is a directory, not a profile", path);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        amber_error(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    GString *s = g_string_new(NULL);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && s->len <= PROFILE_MAX_BYTES) {
        g_string_append_len(s, buf, (gssize)n);
    }
    if (s->len > PROFILE_MAX_BYTES) {
        fclose(f);
        g_string_free(s, TRUE);
        amber_error(err, "%s: is too large to be a profile (over %d KiB)", path,
                    PROFILE_MAX_BYTES / 1024);
        return NULL;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        g_string_free(s, TRUE);
        amber_error(err, "%s: cannot read it", path);
        return NULL;
    }
    if (memchr(s->str, '\0', s->len)) {
        g_string_free(s, TRUE);
        amber_error(err, "%s: is not a text file (it holds NUL bytes)", path);
        return NULL;
    }
    char *text = strdup(s->str);
    g_string_free(s, TRUE);
    char *dir = g_path_get_dirname(path);
    char *base_dir = strdup(dir);
    g_free(dir);
    if (!text || !base_dir) {
        free(text);
        free(base_dir);
        amber_error(err, "%s: out of memory", path);
        return NULL;
    }
    return profile_parse(text, path, base_dir, extra_board, err);
}

/* ---- finding a profile by name ---- */

static char *try_dir(const char *dir, const char *name)
{
    char *file = g_strconcat(name, ".ini", NULL);
    char *path = g_build_filename(dir, file, NULL);
    g_free(file);
    char *found = g_file_test(path, G_FILE_TEST_IS_REGULAR) ? strdup(path) : NULL;
    g_free(path);
    return found;
}

char *profile_resolve(const char *name_or_path, AmberError *err)
{
    if (!name_or_path || !*name_or_path) {
        amber_error(err, "no profile given");
        return NULL;
    }
    if (strchr(name_or_path, '/') || g_str_has_suffix(name_or_path, ".ini")) {
        if (!g_file_test(name_or_path, G_FILE_TEST_EXISTS)) {
            amber_error(err, "%s: no such file", name_or_path);
            return NULL;
        }
        char *copy = strdup(name_or_path);
        if (!copy) {
            amber_error(err, "%s: out of memory", name_or_path);
        }
        return copy;
    }
    GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
    const char *env = getenv("AMBER_PROFILES");
    if (env && *env) {
        char **parts = g_strsplit(env, ":", -1);
        for (char **d = parts; *d; d++) {
            if (**d) {
                g_ptr_array_add(dirs, g_strdup(*d));
            }
        }
        g_strfreev(parts);
    }
    g_ptr_array_add(dirs, g_strdup(AMBER_SRCDIR "/profiles"));
    g_ptr_array_add(dirs, g_strdup(AMBER_DATADIR "/profiles"));
    char *found = NULL;
    for (guint i = 0; i < dirs->len && !found; i++) {
        found = try_dir(g_ptr_array_index(dirs, i), name_or_path);
    }
    if (!found) {
        GString *where = g_string_new(NULL);
        for (guint i = 0; i < dirs->len; i++) {
            g_string_append_printf(where, "%s%s", i ? ", " : "",
                                   (const char *)g_ptr_array_index(dirs, i));
        }
        amber_error(err, "no profile named '%s' (looked for %s.ini in %s)", name_or_path,
                    name_or_path, where->str);
        g_string_free(where, TRUE);
    }
    g_ptr_array_free(dirs, TRUE);
    return found;
}

/* ---- overrides ---- */

bool profile_set(Profile *p, const char *section, const char *key, const char *value,
                 AmberError *err)
{
    if (!section || !*section || strpbrk(section, "[]\n") || !key || !*key ||
        strpbrk(key, "=\n") || !value || strchr(value, '\n')) {
        return amber_error(err, "%s: cannot set [%s] %s: not a valid section, key or value",
                           p->path, section ? section : "", key ? key : "");
    }
    /* Check on a copy, so a refused override leaves the profile as it was. */
    char *before = g_key_file_to_data(p->kf, NULL, NULL);
    const BoardClass *board_before = p->board;
    g_key_file_set_value(p->kf, section, key, value);
    bool ok = true;
    if (strcmp(section, MACHINE_GROUP) == 0) {
        ok = check_machine_group(p, err);
    }
    char *after = ok ? g_key_file_to_data(p->kf, NULL, NULL) : NULL;
    char *text = after ? strdup(after) : NULL;
    if (ok && !text) {
        ok = amber_error(err, "%s: out of memory", p->path);
    }
    if (!ok) {
        g_key_file_load_from_data(p->kf, before, (gsize)-1, G_KEY_FILE_KEEP_COMMENTS, NULL);
        p->board = board_before;
    } else {
        free(p->text);
        p->text = text;
    }
    g_free(after);
    g_free(before);
    return ok;
}

/* ---- building ---- */

static char *device_ids(const Machine *m)
{
    GString *s = g_string_new(MACHINE_GROUP);
    for (const Device *d = m->devices; d; d = d->next) {
        g_string_append_printf(s, ", %s", d->id);
    }
    return g_string_free(s, FALSE);
}

static bool apply_device_groups(const Profile *p, Machine *m, AmberError *err)
{
    gsize ngroups = 0;
    char **groups = g_key_file_get_groups(p->kf, &ngroups);
    bool ok = true;
    for (gsize g = 0; ok && groups[g]; g++) {
        if (strcmp(groups[g], MACHINE_GROUP) == 0) {
            continue;
        }
        Device *dev = machine_find_device(m, groups[g]);
        if (!dev) {
            char *ids = device_ids(m);
            ok = amber_error(err, "%s: unknown section [%s] (this machine has: %s)", p->path,
                             groups[g], ids);
            g_free(ids);
            break;
        }
        char **keys = g_key_file_get_keys(p->kf, groups[g], NULL, NULL);
        for (gsize k = 0; ok && keys && keys[k]; k++) {
            const PropDef *pd = device_find_prop(dev, keys[k]);
            if (!pd) {
                char *known = known_keys(dev->cls->props, false);
                ok = amber_error(err, "%s: [%s] unknown key '%s' (known: %s)", p->path,
                                 groups[g], keys[k], known);
                g_free(known);
                break;
            }
            char *value = get_value(p->kf, groups[g], keys[k]);
            char *where = g_strdup_printf("%s: [%s] %s", p->path, groups[g], keys[k]);
            ok = prop_apply(pd, dev->s, value ? value : "", p->base_dir, where, err);
            g_free(where);
            g_free(value);
        }
        g_strfreev(keys);
    }
    g_strfreev(groups);
    return ok;
}

Machine *profile_build_machine(const Profile *p, AmberError *err)
{
    const BoardClass *b = p->board;
    Machine *m = machine_new(b->addr_bits, err);
    if (!m) {
        return NULL;
    }
    bool ok = machine_set_board(m, b, err) && apply_machine_keys(p, m->board_state, err) &&
              (!b->create || b->create(m, m->board_state, err)) &&
              apply_device_groups(p, m, err) && machine_realize(m, err);
    if (ok) {
        m->profile_name = strdup(p->name);
        m->profile_text = strdup(p->text);
        m->profile_path = p->base_dir ? strdup(p->path) : NULL;
        if (!m->profile_name || !m->profile_text || (p->base_dir && !m->profile_path)) {
            ok = amber_error(err, "%s: out of memory", p->path);
        }
    }
    if (!ok) {
        /* Errors from the board or a device may not name the profile; make sure one does. */
        if (err && err->set && strncmp(err->msg, p->path, strlen(p->path)) != 0) {
            char inner[AMBER_ERROR_MAX];
            snprintf(inner, sizeof inner, "%s", err->msg);
            amber_error_clear(err);
            amber_error(err, "%s: %s", p->path, inner);
        }
        machine_free(m);
        return NULL;
    }
    return m;
}
