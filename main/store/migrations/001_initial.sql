-- 001: runs, per-step metrics, system samples, log lines, checkpoints, exports, tags.
-- Shipped: never edit this file; add a new numbered migration instead.
-- Times are integer milliseconds since the Unix epoch. Status/task are checked in TypeScript (a CHECK
-- here would need a table rebuild for every new status). SQLite turns NaN into NULL, so a NULL metric
-- value means NaN (a diverged loss must still be recorded).

CREATE TABLE runs (
  id                    INTEGER PRIMARY KEY,
  name                  TEXT    NOT NULL,
  status                TEXT    NOT NULL DEFAULT 'created',
  config                TEXT    NOT NULL CHECK (json_valid(config)),
  model                 TEXT    NOT NULL,
  model_type            TEXT,
  dataset               TEXT    NOT NULL,
  task                  TEXT,
  optimizer             TEXT    NOT NULL,
  backend               TEXT,
  device                TEXT,
  created_at            INTEGER NOT NULL,
  started_at            INTEGER,
  finished_at           INTEGER,
  duration_ms           INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
  step                  INTEGER NOT NULL DEFAULT 0,
  total_steps           INTEGER,
  epoch                 REAL    NOT NULL DEFAULT 0,
  best_metric_name      TEXT,
  best_metric_value     REAL,
  best_metric_step      INTEGER,
  final_metrics         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(final_metrics)),
  predicted_peak_bytes  INTEGER,
  measured_peak_bytes   INTEGER,
  error                 TEXT,
  resumed_from          INTEGER REFERENCES runs (id) ON DELETE SET NULL,
  pid                   INTEGER,
  heartbeat_at          INTEGER,
  notes                 TEXT    NOT NULL DEFAULT '',
  samples               TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(samples)),
  -- train/loss averaged into ~32 buckets, refreshed by the metric writer (run browser sparklines)
  loss_sparkline        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(loss_sparkline))
);
-- One index per sort key of the run browser (rowid is the implicit tie-breaker).
CREATE INDEX runs_created_at  ON runs (created_at);
CREATE INDEX runs_name        ON runs (name COLLATE NOCASE);
CREATE INDEX runs_status      ON runs (status, created_at);
CREATE INDEX runs_best_metric ON runs (best_metric_value);
CREATE INDEX runs_duration    ON runs (duration_ms);
CREATE INDEX runs_peak        ON runs (measured_peak_bytes);
CREATE INDEX runs_model       ON runs (model COLLATE NOCASE);
CREATE INDEX runs_optimizer   ON runs (optimizer, created_at);
CREATE INDEX runs_task        ON runs (task, created_at);
CREATE INDEX runs_resumed     ON runs (resumed_from) WHERE resumed_from IS NOT NULL;

CREATE TABLE metric_names (
  id    INTEGER PRIMARY KEY,
  split TEXT NOT NULL,
  name  TEXT NOT NULL,
  UNIQUE (split, name)
);

-- Clustered by (run, series, step): one run's curve is one contiguous range.
CREATE TABLE metrics (
  run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name_id INTEGER NOT NULL REFERENCES metric_names (id),
  step    INTEGER NOT NULL,
  epoch   REAL    NOT NULL,
  value   REAL,
  time    INTEGER NOT NULL,
  PRIMARY KEY (run_id, name_id, step)
) WITHOUT ROWID;

CREATE TABLE system_samples (
  id                 INTEGER PRIMARY KEY,
  run_id             INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  time               INTEGER NOT NULL,
  step               INTEGER,
  gpu_used_bytes     INTEGER,
  gpu_total_bytes    INTEGER,
  gpu_util_percent   REAL,
  gpu_temperature_c  REAL,
  rss_bytes          INTEGER NOT NULL,
  tensor_bytes       INTEGER NOT NULL
);
CREATE INDEX system_samples_run ON system_samples (run_id, time);

CREATE TABLE log_lines (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  time    INTEGER NOT NULL,
  level   TEXT    NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  message TEXT    NOT NULL
);
CREATE INDEX log_lines_run ON log_lines (run_id, id);

CREATE TABLE checkpoints (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step         INTEGER NOT NULL,
  epoch        REAL    NOT NULL,
  path         TEXT    NOT NULL,
  size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
  metric_name  TEXT,
  metric_value REAL,
  is_best      INTEGER NOT NULL DEFAULT 0 CHECK (is_best IN (0, 1)),
  created_at   INTEGER NOT NULL,
  UNIQUE (run_id, path)
);
CREATE INDEX checkpoints_run ON checkpoints (run_id, step);

CREATE TABLE exports (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  path       TEXT    NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  step       INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX exports_run ON exports (run_id);

CREATE TABLE tags (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE run_tags (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (run_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX run_tags_tag ON run_tags (tag_id, run_id);
