INSERT INTO s3.doc SELECT 1, string_agg(md5(i::text), '') , 1 FROM generate_series(1, 320) i;
UPDATE s3.doc SET version = 2 WHERE id = 1;
UPDATE s3.doc SET body = 'short', version = 3 WHERE id = 1;
