UPDATE s9.item SET qty = qty * 10;
DELETE FROM s9.item WHERE id = 2;
