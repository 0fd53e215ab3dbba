/* test_exp_config.c — the experiment file and the --simulate spec: every
 * error names the file and the line; defaults and UTF-8 texts come through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "exp_internal.h"

#define HEAD "[experiment]\ntask = 2afc\nset = exp1\n"

static dl_exp_config *parse_ok(const char *text)
{
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    int rc = dl_exp_config_parse("/lab/exp.ini", text, &cfg, &err);
    if (rc)
        fprintf(stderr, "unexpected error: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_non_null(cfg);
    return cfg;
}

static void expect_error(const char *text, const char *msg)
{
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    int rc = dl_exp_config_parse("/lab/exp.ini", text, &cfg, &err);
    assert_int_equal(rc, DL_EINVAL);
    assert_null(cfg);
    assert_string_equal(err.msg, msg);
}

static void test_defaults(void **state)
{
    (void)state;
    dl_exp_config *cfg = parse_ok(HEAD);
    assert_string_equal(dl_exp_config_task(cfg), "2afc");
    assert_string_equal(dl_exp_config_set(cfg), "exp1");
    assert_string_equal(dl_exp_config_value(cfg, "procedure", "iti_ms"), "500");
    assert_string_equal(dl_exp_config_value(cfg, NULL, "left"), "Left, F");
    assert_null(dl_exp_config_value(cfg, NULL, "nope"));
    assert_int_equal(cfg->iti_ms, 500);
    assert_int_equal(cfg->deadline_ms, 0); /* self-paced */
    assert_int_equal(cfg->practice, 1);
    assert_int_equal(cfg->image_width_px, -1); /* native */
    assert_int_equal(cfg->cpu, -1);            /* not pinned */
    assert_string_equal(dl_exp_config_value(cfg, "procedure", "cpu"), "any");
    /* 2AFC: neutral grey background */
    assert_int_equal(cfg->background.r, 128);
    assert_int_equal(cfg->background.g, 128);
    assert_int_equal(cfg->background.b, 128);
    assert_int_equal(cfg->key_left.n, 2);
    assert_int_equal(cfg->key_left.key[0], SDLK_LEFT);
    assert_int_equal(cfg->key_left.key[1], SDLK_f);
    assert_int_equal(cfg->key_right.key[1], SDLK_j);
    assert_int_equal(cfg->q2_nopt, 3);
    assert_string_equal(cfg->q3_opt[1], "Slightly");
    assert_null(cfg->instructions);
    assert_string_equal(cfg->text[TXT_QUESTION],
                        "Which image is easier for a neural network to classify?");
    assert_string_equal(cfg->text[TXT_BREAK], "Time for a short break.\n{done} of {total} done.");
    dl_exp_config_free(cfg);

    cfg = parse_ok("[experiment]\ntask = rating\nset = exp2\n");
    assert_int_equal(cfg->background.r, 255); /* the paper's white background */
    assert_int_equal(cfg->background.b, 255);
    dl_exp_config_free(cfg);
}

static void test_values(void **state)
{
    (void)state;
    dl_exp_config *cfg = parse_ok(HEAD "[procedure]\niti_ms = 750 ; an inline comment\n"
                                       "practice = no\nbreak_every = 50\n"
                                       "[display]\nbackground = #102030\ntext_color = 200\n"
                                       "highlight_color = 1, 2, 3\nimage_width_px = 224\n"
                                       "[keys]\nleft = A\nright = L, Right\n");
    assert_int_equal(cfg->iti_ms, 750);
    assert_int_equal(cfg->practice, 0);
    assert_int_equal(cfg->break_every, 50);
    assert_int_equal(cfg->background.r, 0x10);
    assert_int_equal(cfg->background.g, 0x20);
    assert_int_equal(cfg->background.b, 0x30);
    assert_int_equal(cfg->text_color.g, 200);
    assert_int_equal(cfg->highlight.b, 3);
    assert_int_equal(cfg->image_width_px, 224);
    assert_int_equal(cfg->key_left.n, 1);
    assert_int_equal(cfg->key_left.key[0], SDLK_a);
    assert_int_equal(cfg->key_right.key[1], SDLK_RIGHT);
    assert_string_equal(dl_exp_config_value(cfg, "procedure", "iti_ms"), "750");
    dl_exp_config_free(cfg);
}

static void test_utf8_texts(void **state)
{
    (void)state;
    /* a lab in Germany: every text from the file, umlauts intact */
    dl_exp_config *cfg =
        parse_ok("\xEF\xBB\xBF" HEAD "[text]\nquestion = Wählen Sie das Bild, das für ein "
                 "neuronales Netz leichter ist.\n"
                 "q2_options = Nein, Vielleicht, Ja\n"
                 "end = Vielen Dank!\\nDie Sitzung ist beendet.\n"
                 "q3 = Ist die Darstellung der Objekte\n"
                 "  in irgendeiner Weise ungewöhnlich?\n");
    assert_string_equal(cfg->text[TXT_QUESTION],
                        "Wählen Sie das Bild, das für ein neuronales Netz leichter ist.");
    assert_int_equal(cfg->q2_nopt, 3);
    assert_string_equal(cfg->q2_opt[1], "Vielleicht");
    assert_string_equal(cfg->text[TXT_END], "Vielen Dank!\nDie Sitzung ist beendet.");
    assert_string_equal(cfg->text[TXT_Q3],
                        "Ist die Darstellung der Objekte in irgendeiner Weise ungewöhnlich?");
    dl_exp_config_free(cfg);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error(HEAD "[procedure]\niti_ms = 500\nitis_ms = 3\n",
                 "/lab/exp.ini:6: unknown key 'itis_ms' in section [procedure]");
    expect_error(HEAD "[procedure]\niti_ms = fast\n",
                 "/lab/exp.ini:5: bad value 'fast' for 'iti_ms' (expected a whole number from 0 "
                 "to 60000)");
    expect_error(HEAD "[procedure]\nbreak_every = -1\n",
                 "/lab/exp.ini:5: bad value '-1' for 'break_every' (expected a whole number from "
                 "0 to 100000)");
    expect_error(HEAD "[display]\nbackground = #12345\n",
                 "/lab/exp.ini:5: bad value '#12345' for 'background' (expected #RRGGBB, R,G,B, a "
                 "grey level 0-255, or auto)");
    expect_error(HEAD "[keys]\nleft = Left, Foo\n",
                 "/lab/exp.ini:5: unknown key name 'Foo' (expected SDL key names separated by "
                 "commas, e.g. Left, F)");
    expect_error(HEAD "[procedure]\npriority = max\n",
                 "/lab/exp.ini:5: bad value 'max' for 'priority' (expected realtime, high or "
                 "normal)");
    expect_error(HEAD "[procedure]\ncpu = first\n",
                 "/lab/exp.ini:5: bad value 'first' for 'cpu' (expected a whole number from 0 to "
                 "1023, or any)");
    expect_error(HEAD "[procedure]\npractice = maybe\n",
                 "/lab/exp.ini:5: bad value 'maybe' for 'practice' (expected yes or no)");
    expect_error("[experiment]\ntask = 3afc\nset = a\n",
                 "/lab/exp.ini:2: bad value '3afc' for 'task' (expected 2afc or rating)");
    expect_error(HEAD "[screen]\nwidth = 3\n",
                 "/lab/exp.ini:4: unknown section [screen] (sections are: experiment, procedure, "
                 "display, keys, text, questions)");
    expect_error(HEAD "[procedure]\niti_ms = 1\n[procedure]\niti_ms = 2\n",
                 "/lab/exp.ini:7: duplicate key 'iti_ms' in section [procedure] (first at line 5)");
    expect_error("task = 2afc\n", "/lab/exp.ini:1: key 'task' outside a section (start with "
                                  "[experiment])");
    expect_error(HEAD "[procedure]\nthis line has no equals sign\n",
                 "/lab/exp.ini:5: expected 'key = value', '[section]' or a comment");
    expect_error(HEAD "[text]\nend = caf\xC3\n",
                 "/lab/exp.ini:5: value of 'end' is not valid UTF-8 (byte 4)");
    expect_error(HEAD "[procedure]\niti_ms = 5\n  fixation_ms = 3\n",
                 "/lab/exp.ini:6: indented line: only [text] values may continue on the next "
                 "line (start keys at the beginning of the line)");
    expect_error(HEAD "[text]\nq2_options = Yes\n",
                 "/lab/exp.ini:5: bad value 'Yes' for 'q2_options' (expected 2 to 5 answer "
                 "labels separated by commas)");
}

/* One key, one meaning (issue 11, finding 6): keys active on the same
 * screen must differ; the message names the later line. */
static void test_key_clash(void **state)
{
    (void)state;
    expect_error(HEAD "[keys]\nleft = Right\nright = Right\n",
                 "/lab/exp.ini:6: key 'Right' is bound to both 'right' and 'left' (line 5) in "
                 "[keys]; one key can have one meaning only");
    expect_error(HEAD "[keys]\nright = F, K\n",
                 "/lab/exp.ini:5: key 'F' is bound to both 'right' and 'left' (its default) in "
                 "[keys]; one key can have one meaning only");
    expect_error(HEAD "[keys]\nquit = Space\n",
                 "/lab/exp.ini:5: key 'Space' is bound to both 'quit' and 'continue' (its "
                 "default) in [keys]; one key can have one meaning only");
    expect_error(HEAD "[keys]\npause = N\n",
                 "/lab/exp.ini:5: key 'N' is bound to both 'pause' and 'new' (its default) in "
                 "[keys]; one key can have one meaning only");
    expect_error("[experiment]\ntask = rating\nset = r\n[keys]\npause = 5\n",
                 "/lab/exp.ini:5: key '5' of 'pause' is one the rating screen uses for its "
                 "answers (digits, arrows, Tab, Enter); choose another");
    /* keys of different screens may share: R for right and for resume */
    dl_exp_config *cfg = parse_ok(HEAD "[keys]\nleft = L\nright = R\n");
    dl_exp_config_free(cfg);
    /* left/right are not used by the rating task */
    cfg = parse_ok("[experiment]\ntask = rating\nset = r\n[keys]\nleft = J\n");
    assert_string_equal(dl_exp_config_value(cfg, "procedure", "min_rt_ms"), "100");
    dl_exp_config_free(cfg);
}

/* Rating questions from the experiment file (issue 11): the paper's three by
 * default; up to nine, each with its type, labels and analysis level. */
static void test_questions(void **state)
{
    (void)state;
    dl_exp_config *cfg = parse_ok("[experiment]\ntask = rating\nset = r\n");
    assert_int_equal(cfg->nquestions, 3);
    assert_string_equal(cfg->question[0].key, "q1");
    assert_int_equal(cfg->question[0].type, EXP_Q_COUNT);
    assert_int_equal(cfg->question[0].level, EXP_LEVEL_INTERVAL);
    assert_int_equal(cfg->question[0].nopt, 0);
    assert_int_equal(cfg->question[1].type, EXP_Q_ORDERED);
    assert_int_equal(cfg->question[2].level, EXP_LEVEL_ORDINAL);
    assert_int_equal(cfg->question[2].nopt, 3);
    assert_string_equal(cfg->question[2].opt[1], "Slightly");
    assert_true(exp_questions_standard(cfg));
    char *json = exp_questions_json(cfg);
    assert_non_null(json);
    assert_non_null(strstr(json, "{\"key\":\"q2\",\"text\":\"Is there a main category in the "
                                 "image?\",\"type\":\"ordered\",\"level\":\"ordinal\","
                                 "\"options\":[\"No\",\"Maybe\",\"Yes\"]}"));
    free(json);
    dl_exp_config_free(cfg);
    /* four questions of different types */
    cfg = parse_ok("[experiment]\ntask = rating\nset = r\n[questions]\ncount = 4\n"
                   "q2 = unordered nominal\nq3 = ordered ratio\nq4 = count ordinal\n"
                   "[text]\nq2 = Which animal?\nq2_options = Dog, Cat, Bird\n"
                   "q4 = How many dogs?\n");
    assert_int_equal(cfg->nquestions, 4);
    assert_int_equal(cfg->question[1].type, EXP_Q_UNORDERED);
    assert_int_equal(cfg->question[1].level, EXP_LEVEL_NOMINAL);
    assert_string_equal(cfg->question[1].text, "Which animal?");
    assert_string_equal(cfg->question[1].opt[2], "Bird");
    assert_int_equal(cfg->question[2].level, EXP_LEVEL_RATIO);
    assert_int_equal(cfg->question[3].type, EXP_Q_COUNT);
    assert_string_equal(cfg->question[3].key, "q4");
    assert_false(exp_questions_standard(cfg));
    dl_exp_config_free(cfg);
    expect_error("[experiment]\ntask = rating\nset = r\n[questions]\ncount = 5\n",
                 "/lab/exp.ini:5: question 4 is asked (count = 5) but has no text: add "
                 "'q4 = ...' to [text]");
    expect_error("[experiment]\ntask = rating\nset = r\n[questions]\ncount = 4\n"
                 "q4 = ordered ordinal\n[text]\nq4 = Sharp?\n",
                 "/lab/exp.ini:6: question 4 is ordered but has no answer labels: add "
                 "'q4_options = A, B, ...' to [text]");
    expect_error("[experiment]\ntask = rating\nset = r\n[questions]\nq1 = count loud\n",
                 "/lab/exp.ini:5: bad value 'count loud' for 'q1' (expected a type (count, "
                 "ordered or unordered) and the level its agreement is analysed at (nominal, "
                 "ordinal, interval or ratio), e.g. 'ordered ordinal')");
    expect_error("[experiment]\ntask = rating\nset = r\n[questions]\ncount = 10\n",
                 "/lab/exp.ini:5: bad value '10' for 'count' (expected a whole number from 1 "
                 "to 9)");
}

static void test_missing_and_cross(void **state)
{
    (void)state;
    expect_error("[experiment]\nset = a\n",
                 "/lab/exp.ini: missing key 'task' in section [experiment] (2afc or rating)");
    expect_error("[experiment]\ntask = rating\n",
                 "/lab/exp.ini: missing key 'set' in section [experiment] (the stimulus set's "
                 "name)");
    expect_error(HEAD "[display]\nimage_width_deg = 5\nscreen_width_cm = 50\n",
                 "/lab/exp.ini:5: sizes in degrees need viewing_distance_cm and screen_width_cm "
                 "in section [display]");
    expect_error(HEAD "[display]\nimage_width_px = 200\nimage_width_deg = 5\n"
                      "viewing_distance_cm = 57\nscreen_width_cm = 50\n",
                 "/lab/exp.ini:6: give image_width_px or image_width_deg, not both");
    dl_exp_config *cfg = parse_ok(HEAD "[display]\nimage_width_deg = 5\n"
                                       "viewing_distance_cm = 57\nscreen_width_cm = 50\n");
    assert_true(cfg->image_width_deg == 5.0);
    assert_true(cfg->viewing_distance_cm == 57.0);
    dl_exp_config_free(cfg);
}

static void test_long_line(void **state)
{
    (void)state;
    char text[1024];
    char longval[400];
    memset(longval, 'x', sizeof longval - 1);
    longval[sizeof longval - 1] = 0;
    snprintf(text, sizeof text, HEAD "[text]\nend = %s\n", longval);
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    assert_int_equal(dl_exp_config_parse("/lab/exp.ini", text, &cfg, &err), DL_EINVAL);
    assert_non_null(strstr(err.msg, "/lab/exp.ini:5: line longer than"));
}

static void test_instructions_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/dl-exp-cfg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char ini[128], txt[128];
    snprintf(ini, sizeof ini, "%s/exp.ini", dir);
    snprintf(txt, sizeof txt, "%s/instr.txt", dir);
    FILE *fp = fopen(ini, "w");
    fputs(HEAD "[procedure]\ninstructions = instr.txt\n", fp);
    fclose(fp);
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    char want[512];
    snprintf(want, sizeof want,
             "%s:5: cannot read the instructions: %s: cannot open: No such file or directory", ini,
             txt);
    assert_int_equal(dl_exp_config_load(ini, &cfg, &err), DL_EINVAL);
    assert_string_equal(err.msg, want);

    fp = fopen(txt, "w");
    fputs("Zeile eins\nZeile zwei mit \xFF kaputt\n", fp);
    fclose(fp);
    snprintf(want, sizeof want, "%s:2: not valid UTF-8 (save it as UTF-8)", txt);
    assert_int_equal(dl_exp_config_load(ini, &cfg, &err), DL_EINVAL);
    assert_string_equal(err.msg, want);

    fp = fopen(txt, "w");
    fputs("Bitte wählen Sie das leichtere Bild.\n", fp);
    fclose(fp);
    assert_int_equal(dl_exp_config_load(ini, &cfg, &err), 0);
    assert_string_equal(cfg->instructions, "Bitte wählen Sie das leichtere Bild.\n");
    char hex[65];
    dl_sha256_buf(cfg->file_text, strlen(cfg->file_text), hex);
    assert_string_equal(cfg->sha256, hex);
    dl_exp_config_free(cfg);

    snprintf(want, sizeof want, "%s/missing.ini", dir);
    assert_int_equal(dl_exp_config_load(want, &cfg, &err), DL_ENOENT);
    assert_non_null(strstr(err.msg, "cannot read the experiment file"));
    remove(txt);
    remove(ini);
    rmdir(dir);
}

/* The shipped examples (docs/examples) parse and say what the paper did. */
/* An experiment file or instruction text that is a named pipe would block
 * the open until someone writes to it: refused at once, naming the file. */
static void test_fifo_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/dl-exp-cfg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char ini[128], fifo[128], want[512];
    snprintf(ini, sizeof ini, "%s/exp.ini", dir);
    snprintf(fifo, sizeof fifo, "%s/pipe.ini", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(20); /* a blocking open fails the test instead of hanging it */
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    snprintf(want, sizeof want,
             "cannot read the experiment file: %s: is a named pipe (FIFO), not a regular file",
             fifo);
    assert_int_equal(dl_exp_config_load(fifo, &cfg, &err), DL_EINVAL);
    assert_string_equal(err.msg, want);
    assert_null(cfg);

    FILE *fp = fopen(ini, "w");
    fputs(HEAD "[procedure]\ninstructions = pipe.ini\n", fp);
    fclose(fp);
    snprintf(want, sizeof want,
             "%s:5: cannot read the instructions: %s: is a named pipe (FIFO), not a regular file",
             ini, fifo);
    assert_int_equal(dl_exp_config_load(ini, &cfg, &err), DL_EINVAL);
    assert_string_equal(err.msg, want);
    alarm(0);
    unlink(ini);
    unlink(fifo);
    rmdir(dir);
}

static void test_examples(void **state)
{
    (void)state;
    const char *src = getenv("DL_SOURCE_DIR");
    if (!src) {
        fprintf(stderr, "DL_SOURCE_DIR not set; skipping the examples\n");
        skip();
    }
    char path[1024];
    dl_exp_config *cfg = NULL;
    dl_error err = {0};
    snprintf(path, sizeof path, "%s/docs/examples/experiment1_2afc.ini", src);
    assert_int_equal(dl_exp_config_load(path, &cfg, &err), 0);
    assert_int_equal(cfg->task, DL_TASK_2AFC);
    assert_string_equal(cfg->set_name, "exp1-2afc");
    assert_int_equal(cfg->deadline_ms, 0); /* self-paced */
    assert_int_equal(cfg->break_every, 50);
    assert_int_equal(cfg->background.r, 128);
    assert_non_null(strstr(cfg->instructions, "EASIER"));
    dl_exp_config_free(cfg);

    snprintf(path, sizeof path, "%s/docs/examples/experiment2_rating.ini", src);
    assert_int_equal(dl_exp_config_load(path, &cfg, &err), 0);
    assert_int_equal(cfg->task, DL_TASK_RATING);
    assert_int_equal(cfg->background.g, 255);
    assert_string_equal(cfg->text[TXT_Q3], "Is the presentation of the objects unusual in any "
                                           "manner (e.g. orientation, location, size, viewpoint)?");
    assert_string_equal(cfg->q3_opt[2], "Very");
    dl_exp_config_free(cfg);

    snprintf(path, sizeof path, "%s/docs/examples/experiment1_2afc_de.ini", src);
    assert_int_equal(dl_exp_config_load(path, &cfg, &err), 0);
    assert_string_equal(cfg->text[TXT_QUESTION],
                        "Welches Bild ist für ein neuronales Netz leichter zu klassifizieren?");
    assert_int_equal(cfg->key_quit.key[0], SDLK_b);
    assert_non_null(strstr(cfg->instructions, "Wählen Sie"));
    dl_exp_config_free(cfg);
}

static void test_sim_spec(void **state)
{
    (void)state;
    dl_error err = {0};
    assert_int_equal(dl_exp_sim_check("accuracy=0.8,rt=lognormal:600:0.3,seed=1", &err), 0);
    assert_int_equal(dl_exp_sim_check("rt=fixed:200,mouse=0.5,code=S01,quit_after=3", &err), 0);
    assert_int_equal(dl_exp_sim_check("accuracy=1.5", &err), DL_EINVAL);
    assert_string_equal(err.msg, "--simulate: bad 'accuracy=1.5' (expected accuracy=P, 0 to 1)");
    assert_int_equal(dl_exp_sim_check("rt=gamma:3", &err), DL_EINVAL);
    assert_string_equal(err.msg, "--simulate: bad 'rt=gamma:3' (expected rt=lognormal:MEDIAN_MS:"
                                 "SIGMA, rt=fixed:MS or rt=uniform:MIN_MS:MAX_MS)");
    assert_int_equal(dl_exp_sim_check("speed=3", &err), DL_EINVAL);
    assert_string_equal(err.msg, "--simulate: unknown key 'speed' (keys are accuracy, shared, rt, "
                                 "seed, screen_ms, confirm_ms, mouse, code, resume, "
                                 "anticipate, quit_after)");
    assert_int_equal(dl_exp_sim_check("shared=2", &err), DL_EINVAL);
    assert_string_equal(err.msg, "--simulate: bad 'shared=2' (expected shared=S, 0 to 1)");
    assert_int_equal(dl_exp_sim_check("code=Max Mustermann", &err), DL_EINVAL);
}

static void test_format_and_utf8(void **state)
{
    (void)state;
    const char *names[] = {"done", "total"}, *values[] = {"120", "149"};
    char *s = exp_format("{done} of {total} done {x}", names, values, 2);
    assert_string_equal(s, "120 of 149 done {x}");
    free(s);
    size_t bad = 0;
    assert_true(exp_utf8_valid("Wählen 日本 😀", strlen("Wählen 日本 😀"), &bad));
    assert_false(exp_utf8_valid("a\xC0\xAF", 3, &bad)); /* overlong */
    assert_int_equal(bad, 1);
    assert_false(exp_utf8_valid("\xED\xA0\x80", 3, &bad)); /* surrogate */
    assert_false(exp_utf8_valid("ab\xE2\x82", 4, &bad));   /* cut short */
    assert_int_equal(bad, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),          cmocka_unit_test(test_values),
        cmocka_unit_test(test_utf8_texts),        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_missing_and_cross),
        cmocka_unit_test(test_key_clash),
        cmocka_unit_test(test_questions), cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_instructions_file), cmocka_unit_test(test_examples),
        cmocka_unit_test(test_fifo_refused),
        cmocka_unit_test(test_sim_spec),          cmocka_unit_test(test_format_and_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
