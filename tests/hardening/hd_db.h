/* hd_db.h — a real database for the hardening tests: the demo data set's
 * results and images, a 2AFC set "pairs" of 30 pairs built by `dddlab
 * stimuli build` (60 images, so the images table spans several pages), and
 * two completed sessions of 5 trials logged through the store API.
 * Include after store_fixture.h and hardening.h. */
#ifndef HD_DB_H
#define HD_DB_H

/* Two sessions of 5 trials by one observer on the stored set "pairs". */
static inline void add_sessions(const char *db)
{
    dl_error err = {0};
    dl_store *st;
    assert_int_equal(dl_store_open(db, 0, &st, &err), 0);
    dl_stim_set *set = NULL;
    assert_int_equal(dl_store_find_set(st, "pairs", &set, &err), 0);
    dl_observer o = {.code = "P1", .age = -1, .vision_corrected = -1, .naive = -1};
    assert_int_equal(dl_store_ensure_observer(st, &o, &err), 0);
    for (int k = 0; k < 2; k++) {
        dl_session x;
        fx_session(&x, o.id, set->id, 5);
        assert_int_equal(dl_store_start_session(st, &x, &err), 0);
        for (int i = 0; i < 5; i++) {
            dl_trial t = fx_trial(x.id, i);
            assert_int_equal(dl_store_log_trial(st, &t, &err), 0);
        }
        assert_int_equal(dl_store_finish_session(st, x.id, "completed", &err), 0);
        dl_store_session_clear(&x);
    }
    dl_stim_set_free(set);
    dl_store_close(st);
}

/* Make DIR/dd (demo data) and DIR/NAME as above. */
static inline void hd_make_db(const char *dir, const char *name)
{
    hd_run r = {0};
    char args[1024], path[600];
    assert_int_equal(hd_dddlab(&r, dir,
                               "stimuli demo-data --out dd --classes 40 --images-per-class 10 "
                               "--train-per-class 8 --png-px 32"),
                     0);
    snprintf(args, sizeof args,
             "stimuli build dd/results.csv --task 2afc --name pairs --pairs 30 --near 4 "
             "--demo-images --image-root dd/images --db %s --seed 3",
             name);
    assert_int_equal(hd_dddlab(&r, dir, args), 0);
    hd_run_free(&r);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    add_sessions(path);
}

#endif
