/* store_warn.c — the warning about orphan rows (dl_store_orphans) that
 * every reading command prints before it reads: worded once here, on the
 * caller's stream, so export, merge and analyse say it the same way. */
#include "dl_store.h"

void dl_store_write_orphans(FILE *out, dl_store *st, const char *db, const char *what)
{
    int64_t n = 0;
    char text[512];
    dl_error err = {0};
    if (dl_store_orphans(st, &n, text, sizeof text, &err) != 0 || n == 0)
        return; /* the command's own reading reports a file it cannot read */
    fprintf(out,
            "dddlab: warning: %s: %lld row%s belong%s to no stored parent (%s); %s left out "
            "of %s. See 'dddlab db check --db %s'\n",
            db, (long long)n, n == 1 ? "" : "s", n == 1 ? "s" : "", text,
            n == 1 ? "it is" : "they are", what, db);
}

int dl_store_write_orphans_path(FILE *out, const char *db, const char *what, dl_error *err)
{
    dl_store *st = NULL;
    int rc = dl_store_open(db, DL_STORE_READONLY | DL_STORE_NOCREATE, &st, err);
    if (!rc)
        dl_store_write_orphans(out, st, db, what);
    dl_store_close(st);
    return rc;
}
