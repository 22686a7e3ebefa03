;; The byte scan of canonical-scan.ts (scanPlainBytes) for files of tens of megabytes: the same
;; rules, byte for byte, in WebAssembly, where the scan is not waiting for the JIT to warm up and
;; strings are skipped sixteen bytes at a time. Build: `npm run build:wasm` (canonical-scan-wasm.ts).
;;
;; Memory: the words `signatures` (at 0) and `signed` (at 16); the text at 64 (TEXT) up to
;; TEXT+len; past it, 16 bytes of slack, then one 12-byte frame per depth: 1 for an object, and
;; where its previous key lies (start -1: none yet). The value of `signed` is moved down over the
;; text as it is scanned (a byte moves only to where the scan has already been), from TEXT to
;; $outEnd. The text must hold no backslash (the caller checks): a quote always opens or closes
;; a string.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "signatures")
  (data (i32.const 16) "signed")

  ;; The deepest nesting, the entries of the top-level array `signatures`, the end of the value
  ;; of `signed` as moved.
  (global $deepest (export "deepest") (mut i32) (i32.const 0))
  (global $entries (export "entries") (mut i32) (i32.const 0))
  (global $outEnd (export "outEnd") (mut i32) (i32.const 0))

  ;; Where the frame of `depth` lies (frames start at `stack`).
  (func $frame (param $stack i32) (param $depth i32) (result i32)
    (i32.add (local.get $stack) (i32.mul (local.get $depth) (i32.const 12))))

  ;; The first quote at or after `from` before `end`, or `end`: sixteen bytes at a time.
  (func $quote (param $from i32) (param $end i32) (result i32)
    (local $mask i32)
    (block $tail
      (loop $chunk
        (br_if $tail (i32.gt_u (i32.add (local.get $from) (i32.const 16)) (local.get $end)))
        (local.set $mask
          (i8x16.bitmask (i8x16.eq (v128.load (local.get $from)) (i8x16.splat (i32.const 0x22)))))
        (if (local.get $mask)
          (then (return (i32.add (local.get $from) (i32.ctz (local.get $mask))))))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $chunk)))
    (block $none
      (loop $byte
        (br_if $none (i32.ge_u (local.get $from) (local.get $end)))
        (if (i32.eq (i32.load8_u (local.get $from)) (i32.const 0x22))
          (then (return (local.get $from))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $byte)))
    (local.get $end))

  ;; 1 when bytes [start, end) spell the `length` bytes at `word`.
  (func $spells (param $start i32) (param $end i32) (param $word i32) (param $length i32)
    (result i32)
    (local $k i32)
    (if (i32.ne (i32.sub (local.get $end) (local.get $start)) (local.get $length))
      (then (return (i32.const 0))))
    (block $differs
      (loop $next
        (br_if $differs (i32.ge_u (local.get $k) (local.get $length)))
        (br_if $differs
          (i32.ne
            (i32.load8_u (i32.add (local.get $start) (local.get $k)))
            (i32.load8_u (i32.add (local.get $word) (local.get $k)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (i32.eq (local.get $k) (local.get $length)))

  ;; 1 when bytes [start, end) sort after bytes [prevStart, prevEnd), byte by byte.
  (func $follows (param $prevStart i32) (param $prevEnd i32) (param $start i32) (param $end i32)
    (result i32)
    (local $n i32) (local $k i32) (local $a i32) (local $b i32)
    (local.set $n (i32.sub (local.get $prevEnd) (local.get $prevStart)))
    (if (i32.lt_u (i32.sub (local.get $end) (local.get $start)) (local.get $n))
      (then (local.set $n (i32.sub (local.get $end) (local.get $start)))))
    (block $same
      (loop $next
        (br_if $same (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $a (i32.load8_u (i32.add (local.get $prevStart) (local.get $k))))
        (local.set $b (i32.load8_u (i32.add (local.get $start) (local.get $k))))
        (if (i32.ne (local.get $a) (local.get $b))
          (then (return (i32.gt_u (local.get $b) (local.get $a)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (i32.gt_u
      (i32.sub (local.get $end) (local.get $start))
      (i32.sub (local.get $prevEnd) (local.get $prevStart))))

  ;; Where the number at `start` ends: its `-` and digits (a `.` or `e` after them is not taken).
  (func $digitsEnd (param $start i32) (param $end i32) (result i32)
    (local $i i32) (local $c i32)
    (local.set $i (local.get $start))
    (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x2d))
      (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $done (i32.gt_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 9)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  ;; 1 when the number [start, stop) is an integer the canonical writer spells alike: 1 to 15
  ;; digits, no fraction or exponent after them, not `-0`.
  (func $plainInteger (param $start i32) (param $stop i32) (param $end i32) (result i32)
    (local $negative i32) (local $digits i32) (local $next i32)
    (local.set $negative (i32.eq (i32.load8_u (local.get $start)) (i32.const 0x2d)))
    (local.set $digits
      (i32.sub (i32.sub (local.get $stop) (local.get $start)) (local.get $negative)))
    (if (i32.lt_u (local.get $stop) (local.get $end))
      (then (local.set $next (i32.load8_u (local.get $stop)))))
    (if (i32.or (i32.eqz (local.get $digits)) (i32.gt_u (local.get $digits) (i32.const 15)))
      (then (return (i32.const 0))))
    (if (i32.or
          (i32.eq (local.get $next) (i32.const 0x2e))
          (i32.or (i32.eq (local.get $next) (i32.const 0x65)) (i32.eq (local.get $next) (i32.const 0x45))))
      (then (return (i32.const 0))))
    (i32.eqz
      (i32.and
        (local.get $negative)
        (i32.and
          (i32.eq (local.get $digits) (i32.const 1))
          (i32.eq (i32.load8_u (i32.add (local.get $start) (i32.const 1))) (i32.const 0x30))))))

  ;; 1 when bytes [start, end) are a newline and `spaces` spaces.
  (func $indent (param $start i32) (param $end i32) (param $spaces i32) (result i32)
    (local $k i32)
    (if (i32.ne (i32.sub (local.get $end) (local.get $start)) (i32.add (local.get $spaces) (i32.const 1)))
      (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (local.get $start)) (i32.const 0x0a))
      (then (return (i32.const 0))))
    (local.set $k (i32.add (local.get $start) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        (if (i32.ne (i32.load8_u (local.get $k)) (i32.const 0x20))
          (then (return (i32.const 0))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; 1 when the whitespace [start, end) before the byte `c` (after the byte `prev`, 0 at the start;
  ;; at nesting `depth`) is what JSON.stringify writes with a one-space indent: a newline and the
  ;; indent inside a non-empty object or array, one space after a colon, nothing elsewhere.
  (func $layout (param $start i32) (param $end i32) (param $prev i32) (param $c i32)
    (param $depth i32) (result i32)
    (if (i32.or (i32.eq (local.get $prev) (i32.const 0x7b)) (i32.eq (local.get $prev) (i32.const 0x5b)))
      (then
        (if (i32.or
              (i32.and (i32.eq (local.get $prev) (i32.const 0x7b)) (i32.eq (local.get $c) (i32.const 0x7d)))
              (i32.and (i32.eq (local.get $prev) (i32.const 0x5b)) (i32.eq (local.get $c) (i32.const 0x5d))))
          (then (return (i32.eq (local.get $start) (local.get $end)))))
        (return (call $indent (local.get $start) (local.get $end) (local.get $depth)))))
    (if (i32.eq (local.get $prev) (i32.const 0x2c))
      (then (return (call $indent (local.get $start) (local.get $end) (local.get $depth)))))
    (if (i32.or (i32.eq (local.get $c) (i32.const 0x7d)) (i32.eq (local.get $c) (i32.const 0x5d)))
      (then
        (return
          (call $indent (local.get $start) (local.get $end) (i32.sub (local.get $depth) (i32.const 1))))))
    (if (i32.eq (local.get $prev) (i32.const 0x3a))
      (then
        (return
          (i32.and
            (i32.eq (i32.sub (local.get $end) (local.get $start)) (i32.const 1))
            (i32.eq (i32.load8_u (local.get $start)) (i32.const 0x20))))))
    (i32.eq (local.get $start) (local.get $end)))

  ;; The scan's state between calls of `scan` (see begin).
  (global $i (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))
  (global $o (mut i32) (i32.const 0))
  (global $depth (mut i32) (i32.const 0))
  (global $counting (mut i32) (i32.const 0))
  (global $lastKeyCounts (mut i32) (i32.const 0))
  (global $expectKey (mut i32) (i32.const 0))
  (global $signedNext (mut i32) (i32.const 0))
  (global $signedKeys (mut i32) (i32.const 0))
  (global $inSigned (mut i32) (i32.const 0))
  (global $canonical (mut i32) (i32.const 0))
  (global $limit (mut i32) (i32.const 0))
  (global $stack (mut i32) (i32.const 0))
  ;; Whether the whitespace so far is JSON.stringify's one-space layout, where the whitespace
  ;; before the next byte started (-1: none), and the last byte that was not whitespace.
  (global $laid (mut i32) (i32.const 0))
  ;; Keys of the top-level object.
  (global $topKeys (mut i32) (i32.const 0))
  (global $runStart (mut i32) (i32.const 0))
  (global $prev (mut i32) (i32.const 0))

  ;; Starts a scan of the text of `len` bytes at 64 with nesting `limit`, frames at `stack`. The
  ;; caller then calls `scan` until it returns 1: a call that returns lets the engine put in the
  ;; optimized code it compiled meanwhile (a call in progress keeps the code it started with).
  (func (export "begin") (param $len i32) (param $limit i32) (param $stack i32)
    (global.set $i (i32.const 64))
    (global.set $o (i32.const 64))
    (global.set $end (i32.add (i32.const 64) (local.get $len)))
    (global.set $depth (i32.const 0))
    (global.set $counting (i32.const 0))
    (global.set $lastKeyCounts (i32.const 0))
    (global.set $expectKey (i32.const 0))
    (global.set $signedNext (i32.const 0))
    (global.set $signedKeys (i32.const 0))
    (global.set $inSigned (i32.const 0))
    (global.set $canonical (i32.const 1))
    (global.set $outEnd (i32.const -1))
    (global.set $limit (local.get $limit))
    (global.set $stack (local.get $stack))
    (global.set $laid (i32.const 1))
    (global.set $topKeys (i32.const 0))
    (global.set $runStart (i32.const -1))
    (global.set $prev (i32.const 0))
    (global.set $deepest (i32.const 0))
    (global.set $entries (i32.const 0)))

  ;; 1 when the scan ran to the end of the text and [64, $outEnd) holds the canonical bytes of
  ;; `signed`; 3 when besides the text is laid out as JSON.stringify writes it with a one-space
  ;; indent, followed by one newline, and holds two top-level keys and no signature.
  (func (export "complete") (result i32)
    (local $complete i32)
    (local.set $complete
      (i32.and
        (i32.and (i32.ge_u (global.get $i) (global.get $end)) (global.get $canonical))
        (i32.and
          (i32.eq (global.get $signedKeys) (i32.const 1))
          (i32.gt_s (global.get $outEnd) (i32.const 64)))))
    (if (i32.eqz (local.get $complete)) (then (return (i32.const 0))))
    ;; Laid out, with two top-level keys and an empty `signatures` array (the caller checks that
    ;; it comes first), and the text ends in one newline: the whitespace after the last byte.
    (if (i32.and
          (i32.and (global.get $laid) (i32.eq (global.get $topKeys) (i32.const 2)))
          (i32.and
            (i32.eqz (global.get $entries))
            (i32.eq (i32.sub (global.get $end) (global.get $runStart)) (i32.const 1))))
      (then
        (if (i32.eq (i32.load8_u (global.get $runStart)) (i32.const 0x0a))
          (then (return (i32.const 3))))))
    (i32.const 1))

  ;; Scans on for about `budget` more bytes. Returns 1 once the scan is over (the end of the
  ;; text, an unclosed string, nesting past the limit), 0 when there is more to scan.
  (func (export "scan") (param $budget i32) (result i32)
    (local $i i32) (local $end i32) (local $o i32) (local $c i32) (local $depth i32)
    (local $counting i32) (local $lastKeyCounts i32) (local $expectKey i32)
    (local $signedNext i32) (local $signedKeys i32) (local $signedEnd i32) (local $inSigned i32)
    (local $canonical i32) (local $close i32) (local $at i32) (local $isKey i32) (local $n i32)
    (local $frame i32) (local $limit i32) (local $stack i32) (local $until i32) (local $over i32)
    (local $laid i32) (local $runStart i32) (local $prev i32)
    (local.set $i (global.get $i))
    (local.set $end (global.get $end))
    (local.set $o (global.get $o))
    (local.set $depth (global.get $depth))
    (local.set $counting (global.get $counting))
    (local.set $lastKeyCounts (global.get $lastKeyCounts))
    (local.set $expectKey (global.get $expectKey))
    (local.set $signedNext (global.get $signedNext))
    (local.set $signedKeys (global.get $signedKeys))
    (local.set $signedEnd (global.get $outEnd))
    (local.set $inSigned (global.get $inSigned))
    (local.set $canonical (global.get $canonical))
    (local.set $limit (global.get $limit))
    (local.set $stack (global.get $stack))
    (local.set $laid (global.get $laid))
    (local.set $runStart (global.get $runStart))
    (local.set $prev (global.get $prev))
    (local.set $until (i32.add (local.get $i) (local.get $budget)))
    (block $paused
    (block $stop
      (loop $next
        (br_if $stop (i32.ge_u (local.get $i) (local.get $end)))
        (br_if $paused (i32.ge_u (local.get $i) (local.get $until)))
        (local.set $c (i32.load8_u (local.get $i)))
        ;; Whitespace outside strings is dropped; any other control byte makes it not canonical.
        (if (i32.le_u (local.get $c) (i32.const 0x20))
          (then
            (if (i32.eqz
                  (i32.or
                    (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
                    (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09)))))
              (then (local.set $canonical (i32.const 0))))
            (if (i32.lt_s (local.get $runStart) (i32.const 0))
              (then (local.set $runStart (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        ;; The whitespace before this byte, while the layout still holds.
        (if (local.get $laid)
          (then
            (local.set $laid
              (call $layout
                (select (local.get $i) (local.get $runStart)
                  (i32.lt_s (local.get $runStart) (i32.const 0)))
                (local.get $i) (local.get $prev) (local.get $c) (local.get $depth)))))
        (local.set $runStart (i32.const -1))
        (local.set $prev (local.get $c))
        ;; scanJson's count: a comma adds an entry, any other byte but a closing one opens the first.
        (if (i32.and (local.get $counting) (i32.eq (local.get $depth) (i32.const 2)))
          (then
            (if (i32.eq (local.get $c) (i32.const 0x2c))
              (then (global.set $entries (i32.add (global.get $entries) (i32.const 1))))
              (else
                (if (i32.and
                      (i32.eqz (global.get $entries))
                      (i32.and (i32.ne (local.get $c) (i32.const 0x5d)) (i32.ne (local.get $c) (i32.const 0x7d))))
                  (then (global.set $entries (i32.const 1))))))))
        ;; A string.
        (if (i32.eq (local.get $c) (i32.const 0x22))
          (then
            (local.set $close (call $quote (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
            (br_if $stop (i32.ge_u (local.get $close) (local.get $end)))
            (local.set $isKey (i32.const 0))
            (if (i32.and (local.get $expectKey) (i32.ge_s (local.get $depth) (i32.const 1)))
              (then
                (local.set $isKey
                  (i32.load (call $frame (local.get $stack) (local.get $depth))))))
            (local.set $expectKey (i32.const 0))
            (local.set $signedNext (i32.const 0))
            (if (i32.eq (local.get $depth) (i32.const 1))
              (then
                (global.set $topKeys (i32.add (global.get $topKeys) (local.get $isKey)))
                (local.set $lastKeyCounts
                  (call $spells (i32.add (local.get $i) (i32.const 1)) (local.get $close)
                    (i32.const 0) (i32.const 10)))
                (if (i32.and (local.get $isKey)
                      (call $spells (i32.add (local.get $i) (i32.const 1)) (local.get $close)
                        (i32.const 16) (i32.const 6)))
                  (then
                    (local.set $signedKeys (i32.add (local.get $signedKeys) (i32.const 1)))
                    (local.set $signedNext (i32.const 1))))))
            (if (local.get $inSigned)
              (then
                (local.set $at (local.get $o))
                (local.set $n (i32.sub (i32.add (local.get $close) (i32.const 1)) (local.get $i)))
                (memory.copy (local.get $o) (local.get $i) (local.get $n))
                (local.set $o (i32.add (local.get $o) (local.get $n)))
                (if (local.get $isKey)
                  (then
                    (local.set $frame (call $frame (local.get $stack) (local.get $depth)))
                    (if (i32.ge_s (i32.load offset=4 (local.get $frame)) (i32.const 0))
                      (then
                        (if (i32.eqz
                              (call $follows
                                (i32.load offset=4 (local.get $frame))
                                (i32.load offset=8 (local.get $frame))
                                (local.get $at) (local.get $o)))
                          (then (local.set $canonical (i32.const 0))))))
                    (i32.store offset=4 (local.get $frame) (local.get $at))
                    (i32.store offset=8 (local.get $frame) (local.get $o))))))
            (local.set $i (i32.add (local.get $close) (i32.const 1)))
            (br $next)))
        ;; An opening bracket.
        (if (i32.or (i32.eq (local.get $c) (i32.const 0x5b)) (i32.eq (local.get $c) (i32.const 0x7b)))
          (then
            (if (local.get $inSigned)
              (then
                (i32.store8 (local.get $o) (local.get $c))
                (local.set $o (i32.add (local.get $o) (i32.const 1)))))
            (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
            (if (i32.and
                  (i32.and (i32.eq (local.get $depth) (i32.const 2)) (i32.eq (local.get $c) (i32.const 0x5b)))
                  (local.get $lastKeyCounts))
              (then (local.set $counting (i32.const 1))))
            (if (i32.gt_s (local.get $depth) (global.get $deepest))
              (then
                (global.set $deepest (local.get $depth))
                (br_if $stop (i32.gt_s (local.get $depth) (local.get $limit)))))
            (if (i32.ge_s (local.get $depth) (i32.const 1))
              (then
                (local.set $frame (call $frame (local.get $stack) (local.get $depth)))
                (i32.store (local.get $frame) (i32.eq (local.get $c) (i32.const 0x7b)))
                (i32.store offset=4 (local.get $frame) (i32.const -1))))
            (local.set $expectKey (i32.eq (local.get $c) (i32.const 0x7b)))
            (local.set $signedNext (i32.const 0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        ;; A closing bracket or a comma.
        (if (i32.or
              (i32.or (i32.eq (local.get $c) (i32.const 0x5d)) (i32.eq (local.get $c) (i32.const 0x7d)))
              (i32.eq (local.get $c) (i32.const 0x2c)))
          (then
            (if (i32.and (i32.eq (local.get $depth) (i32.const 1)) (local.get $inSigned))
              (then
                (local.set $inSigned (i32.const 0))
                (local.set $signedEnd (local.get $o))))
            (if (local.get $inSigned)
              (then
                (i32.store8 (local.get $o) (local.get $c))
                (local.set $o (i32.add (local.get $o) (i32.const 1)))))
            (if (i32.eq (local.get $c) (i32.const 0x2c))
              (then
                (local.set $expectKey (i32.const 0))
                (if (i32.ge_s (local.get $depth) (i32.const 1))
                  (then
                    (local.set $expectKey
                      (i32.load (call $frame (local.get $stack) (local.get $depth)))))))
              (else
                (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                (if (i32.eq (local.get $depth) (i32.const 1))
                  (then (local.set $counting (i32.const 0))))
                (if (i32.lt_s (local.get $depth) (i32.const 0))
                  (then (local.set $canonical (i32.const 0))))
                (local.set $expectKey (i32.const 0))))
            (local.set $signedNext (i32.const 0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        ;; A number.
        (if (i32.or (i32.eq (local.get $c) (i32.const 0x2d))
              (i32.le_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 9)))
          (then
            (local.set $close (call $digitsEnd (local.get $i) (local.get $end)))
            (if (i32.eqz (call $plainInteger (local.get $i) (local.get $close) (local.get $end)))
              (then (local.set $canonical (i32.const 0))))
            (if (local.get $inSigned)
              (then
                (local.set $n (i32.sub (local.get $close) (local.get $i)))
                (memory.copy (local.get $o) (local.get $i) (local.get $n))
                (local.set $o (i32.add (local.get $o) (local.get $n)))))
            (local.set $expectKey (i32.const 0))
            (local.set $signedNext (i32.const 0))
            ;; Whatever follows the digits is the loop's next byte.
            (if (i32.le_u (local.get $close) (local.get $i))
              (then (local.set $close (i32.add (local.get $i) (i32.const 1)))))
            (local.set $i (local.get $close))
            (br $next)))
        ;; The colon after the top-level key `signed`: its value starts.
        (if (i32.and
              (i32.and (i32.eq (local.get $c) (i32.const 0x3a)) (i32.eq (local.get $depth) (i32.const 1)))
              (local.get $signedNext))
          (then
            (local.set $signedNext (i32.const 0))
            (local.set $inSigned (i32.const 1))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        ;; Anything else: a colon, the letters of true, false and null.
        (if (i32.ne (local.get $c) (i32.const 0x3a))
          (then (local.set $expectKey (i32.const 0))))
        (local.set $signedNext (i32.const 0))
        (if (local.get $inSigned)
          (then
            (i32.store8 (local.get $o) (local.get $c))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (local.set $over (i32.const 1)))
    (global.set $i (local.get $i))
    (global.set $o (local.get $o))
    (global.set $depth (local.get $depth))
    (global.set $counting (local.get $counting))
    (global.set $lastKeyCounts (local.get $lastKeyCounts))
    (global.set $expectKey (local.get $expectKey))
    (global.set $signedNext (local.get $signedNext))
    (global.set $signedKeys (local.get $signedKeys))
    (global.set $outEnd (local.get $signedEnd))
    (global.set $inSigned (local.get $inSigned))
    (global.set $canonical (local.get $canonical))
    (global.set $laid (local.get $laid))
    (global.set $runStart (local.get $runStart))
    (global.set $prev (local.get $prev))
    (local.get $over))
)
