INSERT INTO s9.item VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3);
