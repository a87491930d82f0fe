INSERT INTO s9.item VALUES (4, 'd', 4);
