-- The content of a demo database that --seed must fix: every table, rows in
-- an order that does not depend on which parallel session wrote first, and
-- without the columns that are times, hosts, process ids or random UUIDs
-- (rt_ms, onset_s, response_s, *_utc, refresh_*, frames_dropped, uuid, pid,
-- hostname) or row ids; nor the runner's frame-drop events and warnings
-- about the measured refresh interval, which are timing measurements too
-- (a busy machine drops frames in one run and not the other).
.mode list
.headers on
SELECT 'stimulus_sets';
SELECT name, task, seed, params_json, results_sha256, image_root, content_sha256
  FROM stimulus_sets ORDER BY name;
SELECT 'images';
SELECT s.name, i.path, i.sha256, i.width_px, i.height_px, i.difficulty, i.frac_correct,
       i.class_label, i.label_error
  FROM images i JOIN stimulus_sets s ON s.id = i.set_id ORDER BY s.name, i.path;
SELECT 'set_items';
SELECT s.name, it.idx, it.practice, it.trivial_left, a.path, b.path
  FROM set_items it JOIN stimulus_sets s ON s.id = it.set_id
  JOIN images a ON a.id = it.image_a LEFT JOIN images b ON b.id = it.image_b
  ORDER BY s.name, it.idx;
SELECT 'observers';
SELECT code, age, gender, handedness, vision_corrected, naive FROM observers ORDER BY code;
SELECT 'sessions';
SELECT o.code, st.name, se.status, se.seed, se.trial_order, se.norder, se.experiment_text,
       se.experiment_sha256, se.software_version, se.git_revision, se.sdl_version,
       se.video_driver, se.renderer, se.display_mode, se.window_w, se.window_h,
       se.drawable_w, se.drawable_h, se.viewing_distance_cm, se.screen_width_cm
  FROM sessions se JOIN observers o ON o.id = se.observer_id
  JOIN stimulus_sets st ON st.id = se.set_id ORDER BY st.name, o.code;
SELECT 'trials';
SELECT o.code, st.name, t.idx, t.practice, t.item_index, t.left_image, t.right_image,
       t.choice, t.correct
  FROM trials t JOIN sessions se ON se.id = t.session_id
  JOIN observers o ON o.id = se.observer_id JOIN stimulus_sets st ON st.id = se.set_id
  ORDER BY st.name, o.code, t.idx;
SELECT 'ratings';
SELECT o.code, st.name, r.idx, r.practice, r.item_index, r.image, r.q1, r.q2, r.q3
  FROM ratings r JOIN sessions se ON se.id = r.session_id
  JOIN observers o ON o.id = se.observer_id JOIN stimulus_sets st ON st.id = se.set_id
  ORDER BY st.name, o.code, r.idx;
SELECT 'events';
SELECT o.code, st.name, e.kind, e.detail
  FROM events e JOIN sessions se ON se.id = e.session_id
  JOIN observers o ON o.id = se.observer_id JOIN stimulus_sets st ON st.id = se.set_id
  WHERE e.kind <> 'frame-drop'
    AND (e.detail IS NULL OR e.detail NOT LIKE 'refresh interval unstable%')
  ORDER BY st.name, o.code, e.id;
