INSERT INTO s_infinity_nanoseconds.t VALUES (1, 'infinity', 'infinity'), (2, '-infinity', '-infinity'),
    (3, '2020-09-16 13:53:20.123456', '2020-09-16 13:53:20.123456+00');
UPDATE s_infinity_nanoseconds.t SET ts = '-infinity' WHERE id = 1;
