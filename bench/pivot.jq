# Reference pivot in jq (1.6), for the benchmark (bench/bench.sh).
#
#   SOURCE_DATE_EPOCH=S jq -r -f bench/pivot.jq < events.jsonl > pivot.csv
#
# The same pivot as
#   cdcpivot --id holding_id,user_id --fields holding_stock,holding_quantity
# and bench/pivot.py: one CSV row per changed field (insert/read: every field,
# old NULL; update: fields whose value changed, compared by content; delete:
# every field, new NULL), commit time from source.ts_ms (else the envelope
# ts_ms) as 'YYYY-MM-DD HH:MM:SS.fff' UTC, datetime_inserted from
# SOURCE_DATE_EPOCH. Rows are written with @csv, which quotes every string
# (cdcpivot quotes only when needed), so the bytes differ but the rows parse
# to the same values. jq reads JSON values, not lines: feed it JSON only
# (grep '^{' first when the input has banner lines).
#
# The program runs once, on the first input, and pulls the others with
# `inputs`, so datetime_inserted is formatted once and memory stays flat.

def fmt_ms: "\(. / 1000 | floor | strftime("%Y-%m-%d %H:%M:%S")).\("00\(. % 1000)"[-3:])";

# A value as cdcpivot prints it: strings as they are, objects and arrays as
# compact JSON, null stays null (an empty CSV field).
def text: if . == null then null else tostring end;

def pivot($inserted):
  (if has("payload") and (has("op") | not) then .payload else . end) as $e
  | select($e != null and ($e.op | . == "c" or . == "r" or . == "u" or . == "d"))
  | $e.op as $op
  | ($e.before // {}) as $b
  | ($e.after // {}) as $a
  | (($e.source.ts_ms // $e.ts_ms) | if . == null then null else fmt_ms end) as $when
  | (if $op == "d" then $b else $a end) as $img
  | "holding_stock", "holding_quantity"
  | . as $f
  | select(($b | has($f)) or ($a | has($f)))
  | (if $op == "u" or $op == "d" then $b[$f] else null end) as $old
  | (if $op == "d" then null else $a[$f] end) as $new
  | select($new != "__debezium_unavailable_value")
  | (if $old == "__debezium_unavailable_value" then null else $old end) as $old2
  | select($old == "__debezium_unavailable_value" or $op != "u" or $e.before == null
           or $old != $new)
  | [($img.holding_id | text), ($img.user_id | text), $f, ($old2 | text), ($new | text),
     (if $op == "c" or $op == "r" then $when else null end),
     (if $op == "u" then $when else null end),
     (if $op == "d" then $when else null end),
     $inserted, $op]
  | @csv;

($ENV.SOURCE_DATE_EPOCH // (now | floor | tostring) | tonumber * 1000 | fmt_ms) as $inserted
| (., inputs) | pivot($inserted)
