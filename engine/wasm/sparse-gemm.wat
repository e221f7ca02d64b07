;; The segmented matrix product of segmented-gemm.wat, C[m, n] += Σ_k A[m, k] · B[k, n] with A read
;; in place as runs of a convolution's input (or as a plain matrix), for operands that are mostly
;; zeros (a masked weight): it takes only listed steps of k. `panelSteps` lists, for each column
;; panel of B (8 wide, the last 4 wide when n is not a multiple of 8), the k whose B values in the
;; panel are not all ±0; `tileSteps` lists, for each tile of four rows of A, the k whose four A
;; values are not all ±0. Every output is still summed one product at a time in k order, as
;; acc + a·b from the value in C, so the results are the bits of segmentedGemm: a skipped step adds
;; a·b = ±0 (the other operand finite; the caller checks with `allFinite`) to a sum that started
;; from +0 and so is never −0, which changes nothing. Pointers are byte offsets into the tfjs wasm
;; backend's memory (imported).
;;
;; A step is a pair of i32: its byte offset into a row of A (s·segmentStride + 4t for segment s,
;; run position t, with k = s·segmentLength + t) and into B (k·4n). A list's index has K + 1 i32:
;; index[k] is the position, in the whole steps array, of the list's first step at or after k, so a
;; tile's segments [segLo, segHi) and run positions [tLo, tHi) (the tiles table of
;; segmented-gemm.wat) select the steps index[s·L + tLo] … index[s·L + tHi] of each segment s.
(module
  (import "env" "memory" (memory 1))

  ;; Whether every float of x[0 … count) is finite (no NaN, no ±Inf).
  (func (export "allFinite") (param $x i32) (param $count i32) (result i32)
    (local $end i32) (local $vectorEnd i32) (local $v v128) (local $bad v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $vectorEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $vectorsDone (loop $vectors
      (br_if $vectorsDone (i32.ge_u (local.get $x) (local.get $vectorEnd)))
      (local.set $v (v128.load align=4 (local.get $x)))
      ;; x − x is 0 for a finite x and NaN for NaN and ±Inf; NaN ≠ NaN.
      (local.set $v (f32x4.sub (local.get $v) (local.get $v)))
      (local.set $bad (v128.or (local.get $bad) (f32x4.ne (local.get $v) (local.get $v))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $vectors)))
    (block $scalarsDone (loop $scalars
      (br_if $scalarsDone (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v (f32x4.splat (f32.load (local.get $x))))
      (local.set $v (f32x4.sub (local.get $v) (local.get $v)))
      (local.set $bad (v128.or (local.get $bad) (f32x4.ne (local.get $v) (local.get $v))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $scalars)))
    (i32.eqz (v128.any_true (local.get $bad))))

  ;; For each column panel of B [k, n] (n a multiple of 4; panels 8 wide, the last 4 wide), the
  ;; steps whose B values in the panel are not all ±0, and the index. Returns the number of steps
  ;; written (at most k · panels).
  (func (export "panelSteps")
    (param $b i32) (param $n i32) (param $k i32) (param $segmentLength i32) (param $segmentStride i32)
    (param $steps i32) (param $index i32) (result i32)
    (local $rowBytes i32) (local $column i32) (local $row i32) (local $t i32) (local $segmentOffset i32)
    (local $pointer i32) (local $count i32) (local $nonzero i32) (local $wide i32) (local $zero v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $panelsDone (loop $panels
      (br_if $panelsDone (i32.ge_u (local.get $column) (local.get $n)))
      (local.set $wide (i32.le_u (i32.add (local.get $column) (i32.const 8)) (local.get $n)))
      (local.set $pointer (i32.add (local.get $b) (i32.shl (local.get $column) (i32.const 2))))
      (local.set $row (i32.const 0))
      (local.set $t (i32.const 0))
      (local.set $segmentOffset (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $k)))
        (i32.store (local.get $index) (local.get $count))
        (local.set $index (i32.add (local.get $index) (i32.const 4)))
        (local.set $nonzero
          (if (result i32) (local.get $wide)
            (then
              (v128.any_true
                (v128.or
                  (f32x4.ne (v128.load align=4 (local.get $pointer)) (local.get $zero))
                  (f32x4.ne (v128.load offset=16 align=4 (local.get $pointer)) (local.get $zero)))))
            (else (v128.any_true (f32x4.ne (v128.load align=4 (local.get $pointer)) (local.get $zero))))))
        ;; Written always, kept only if nonzero (no branch: which steps are kept is random).
        (i32.store (local.get $steps) (i32.add (local.get $segmentOffset) (i32.shl (local.get $t) (i32.const 2))))
        (i32.store offset=4 (local.get $steps) (i32.mul (local.get $row) (local.get $rowBytes)))
        (local.set $steps (i32.add (local.get $steps) (i32.shl (local.get $nonzero) (i32.const 3))))
        (local.set $count (i32.add (local.get $count) (local.get $nonzero)))
        (local.set $pointer (i32.add (local.get $pointer) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (if (i32.eq (local.get $t) (local.get $segmentLength))
          (then
            (local.set $t (i32.const 0))
            (local.set $segmentOffset (i32.add (local.get $segmentOffset) (local.get $segmentStride)))))
        (br $rows)))
      (i32.store (local.get $index) (local.get $count))
      (local.set $index (i32.add (local.get $index) (i32.const 4)))
      (local.set $column (i32.add (local.get $column) (select (i32.const 8) (i32.const 4) (local.get $wide))))
      (br $panels)))
    (local.get $count))

;; For each tile of four rows of A (tiles table as in segmented-gemm.wat; its reach ignored), the
  ;; steps whose four A values are not all ±0, and the index. Returns the number of steps written
  ;; (at most k · tileCount). Four steps at a time where they lie in one run.
  (func (export "tileSteps")
    (param $a i32) (param $tiles i32) (param $tileCount i32) (param $n i32) (param $k i32) (param $segmentLength i32)
    (param $segmentStride i32) (param $steps i32) (param $index i32) (result i32)
    (local $rowBytes i32) (local $tile i32) (local $entry i32) (local $row i32) (local $t i32) (local $aOffset i32)
    (local $count i32) (local $nonzero i32) (local $lanes i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $segmentOffset i32) (local $zero v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $tilesDone (loop $tileLoop
      (br_if $tilesDone (i32.ge_u (local.get $tile) (local.get $tileCount)))
      (local.set $entry (i32.add (local.get $tiles) (i32.shl (local.get $tile) (i32.const 5))))
      (local.set $a0 (i32.add (local.get $a) (i32.load offset=0 (local.get $entry))))
      (local.set $a1 (i32.add (local.get $a) (i32.load offset=4 (local.get $entry))))
      (local.set $a2 (i32.add (local.get $a) (i32.load offset=8 (local.get $entry))))
      (local.set $a3 (i32.add (local.get $a) (i32.load offset=12 (local.get $entry))))
      (local.set $row (i32.const 0))
      (local.set $t (i32.const 0))
      (local.set $segmentOffset (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $k)))
        (local.set $aOffset (i32.add (local.get $segmentOffset) (i32.shl (local.get $t) (i32.const 2))))
        (if (i32.le_u (i32.add (local.get $t) (i32.const 4)) (local.get $segmentLength))
          (then
            ;; Lane i of the mask: step k + i is kept. Written always, kept only if nonzero (no
            ;; branch: which steps are kept is random).
            (local.set $lanes (i32x4.bitmask
              (v128.or (v128.or (f32x4.ne (v128.load align=4 (i32.add (local.get $a0) (local.get $aOffset))) (local.get $zero)) (f32x4.ne (v128.load align=4 (i32.add (local.get $a1) (local.get $aOffset))) (local.get $zero)))
                       (v128.or (f32x4.ne (v128.load align=4 (i32.add (local.get $a2) (local.get $aOffset))) (local.get $zero)) (f32x4.ne (v128.load align=4 (i32.add (local.get $a3) (local.get $aOffset))) (local.get $zero))))))
            (i32.store (local.get $index) (local.get $count))
            (i32.store (local.get $steps) (i32.add (local.get $aOffset) (i32.const 0)))
            (i32.store offset=4 (local.get $steps) (i32.mul (i32.add (local.get $row) (i32.const 0)) (local.get $rowBytes)))
            (local.set $nonzero (i32.and (i32.shr_u (local.get $lanes) (i32.const 0)) (i32.const 1)))
            (local.set $index (i32.add (local.get $index) (i32.const 4)))
            (local.set $steps (i32.add (local.get $steps) (i32.shl (local.get $nonzero) (i32.const 3))))
            (local.set $count (i32.add (local.get $count) (local.get $nonzero)))
            (i32.store (local.get $index) (local.get $count))
            (i32.store (local.get $steps) (i32.add (local.get $aOffset) (i32.const 4)))
            (i32.store offset=4 (local.get $steps) (i32.mul (i32.add (local.get $row) (i32.const 1)) (local.get $rowBytes)))
            (local.set $nonzero (i32.and (i32.shr_u (local.get $lanes) (i32.const 1)) (i32.const 1)))
            (local.set $index (i32.add (local.get $index) (i32.const 4)))
            (local.set $steps (i32.add (local.get $steps) (i32.shl (local.get $nonzero) (i32.const 3))))
            (local.set $count (i32.add (local.get $count) (local.get $nonzero)))
            (i32.store (local.get $index) (local.get $count))
            (i32.store (local.get $steps) (i32.add (local.get $aOffset) (i32.const 8)))
            (i32.store offset=4 (local.get $steps) (i32.mul (i32.add (local.get $row) (i32.const 2)) (local.get $rowBytes)))
            (local.set $nonzero (i32.and (i32.shr_u (local.get $lanes) (i32.const 2)) (i32.const 1)))
            (local.set $index (i32.add (local.get $index) (i32.const 4)))
            (local.set $steps (i32.add (local.get $steps) (i32.shl (local.get $nonzero) (i32.const 3))))
            (local.set $count (i32.add (local.get $count) (local.get $nonzero)))
            (i32.store (local.get $index) (local.get $count))
            (i32.store (local.get $steps) (i32.add (local.get $aOffset) (i32.const 12)))
            (i32.store offset=4 (local.get $steps) (i32.mul (i32.add (local.get $row) (i32.const 3)) (local.get $rowBytes)))
            (local.set $nonzero (i32.and (i32.shr_u (local.get $lanes) (i32.const 3)) (i32.const 1)))
            (local.set $index (i32.add (local.get $index) (i32.const 4)))
            (local.set $steps (i32.add (local.get $steps) (i32.shl (local.get $nonzero) (i32.const 3))))
            (local.set $count (i32.add (local.get $count) (local.get $nonzero)))
            (local.set $row (i32.add (local.get $row) (i32.const 4)))
            (local.set $t (i32.add (local.get $t) (i32.const 4))))
          (else
            (local.set $nonzero
              (i32.or
                (i32.or (f32.ne (f32.load (i32.add (local.get $a0) (local.get $aOffset))) (f32.const 0))
                        (f32.ne (f32.load (i32.add (local.get $a1) (local.get $aOffset))) (f32.const 0)))
                (i32.or (f32.ne (f32.load (i32.add (local.get $a2) (local.get $aOffset))) (f32.const 0))
                        (f32.ne (f32.load (i32.add (local.get $a3) (local.get $aOffset))) (f32.const 0)))))
            (i32.store (local.get $index) (local.get $count))
            (i32.store (local.get $steps) (local.get $aOffset))
            (i32.store offset=4 (local.get $steps) (i32.mul (local.get $row) (local.get $rowBytes)))
            (local.set $index (i32.add (local.get $index) (i32.const 4)))
            (local.set $steps (i32.add (local.get $steps) (i32.shl (local.get $nonzero) (i32.const 3))))
            (local.set $count (i32.add (local.get $count) (local.get $nonzero)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))))
        (if (i32.eq (local.get $t) (local.get $segmentLength))
          (then
            (local.set $t (i32.const 0))
            (local.set $segmentOffset (i32.add (local.get $segmentOffset) (local.get $segmentStride)))))
        (br $rows)))
      (i32.store (local.get $index) (local.get $count))
      (local.set $index (i32.add (local.get $index) (i32.const 4)))
      (local.set $tile (i32.add (local.get $tile) (i32.const 1)))
      (br $tileLoop)))
    (local.get $count))

  ;; One tile of four rows × 8 columns over the listed steps of its segments and run positions.
  (func $tile8 (param $a0 i32) (param $a1 i32) (param $a2 i32) (param $a3 i32) (param $b i32) (param $c i32)
    (param $rowBytes i32) (param $steps i32) (param $index i32) (param $segLo i32) (param $segHi i32)
    (param $tLo i32) (param $tHi i32) (param $segmentLength i32)
    (local $s i32) (local $step i32) (local $stepEnd i32) (local $segmentIndex i32) (local $bPointer i32) (local $aOffset i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $c00 (v128.load align=4 (local.get $c)))
    (local.set $c01 (v128.load offset=16 align=4 (local.get $c)))
    (local.set $c10 (v128.load align=4 (i32.add (local.get $c) (local.get $rowBytes))))
    (local.set $c11 (v128.load offset=16 align=4 (i32.add (local.get $c) (local.get $rowBytes))))
    (local.set $c20 (v128.load align=4 (i32.add (local.get $c) (i32.shl (local.get $rowBytes) (i32.const 1)))))
    (local.set $c21 (v128.load offset=16 align=4 (i32.add (local.get $c) (i32.shl (local.get $rowBytes) (i32.const 1)))))
    (local.set $c30 (v128.load align=4 (i32.add (local.get $c) (i32.mul (local.get $rowBytes) (i32.const 3)))))
    (local.set $c31 (v128.load offset=16 align=4 (i32.add (local.get $c) (i32.mul (local.get $rowBytes) (i32.const 3)))))
    ;; Whole runs: the steps of segments [segLo, segHi) are one range of the list.
    (if (i32.and (i32.lt_u (local.get $segLo) (local.get $segHi)) (i32.and (i32.eqz (local.get $tLo)) (i32.eq (local.get $tHi) (local.get $segmentLength))))
      (then
        (local.set $tHi (i32.mul (i32.sub (local.get $segHi) (local.get $segLo)) (local.get $segmentLength)))
        (local.set $segHi (i32.add (local.get $segLo) (i32.const 1)))))
    (local.set $s (local.get $segLo))
    (block $segmentsDone (loop $segment
      (br_if $segmentsDone (i32.ge_u (local.get $s) (local.get $segHi)))
      (local.set $segmentIndex (i32.add (local.get $index) (i32.shl (i32.mul (local.get $s) (local.get $segmentLength)) (i32.const 2))))
      (local.set $step (i32.add (local.get $steps) (i32.shl (i32.load (i32.add (local.get $segmentIndex) (i32.shl (local.get $tLo) (i32.const 2)))) (i32.const 3))))
      (local.set $stepEnd (i32.add (local.get $steps) (i32.shl (i32.load (i32.add (local.get $segmentIndex) (i32.shl (local.get $tHi) (i32.const 2)))) (i32.const 3))))
      (block $stepsDone (loop $stepLoop
        (br_if $stepsDone (i32.ge_u (local.get $step) (local.get $stepEnd)))
        (local.set $aOffset (i32.load (local.get $step)))
        (local.set $bPointer (i32.add (local.get $b) (i32.load offset=4 (local.get $step))))
        (local.set $b0 (v128.load align=4 (local.get $bPointer)))
        (local.set $b1 (v128.load offset=16 align=4 (local.get $bPointer)))
        (local.set $x (v128.load32_splat (i32.add (local.get $a0) (local.get $aOffset))))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a1) (local.get $aOffset))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a2) (local.get $aOffset))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a3) (local.get $aOffset))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $step (i32.add (local.get $step) (i32.const 8)))
        (br $stepLoop)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $segment)))
    (v128.store align=4 (local.get $c) (local.get $c00))
    (v128.store offset=16 align=4 (local.get $c) (local.get $c01))
    (v128.store align=4 (i32.add (local.get $c) (local.get $rowBytes)) (local.get $c10))
    (v128.store offset=16 align=4 (i32.add (local.get $c) (local.get $rowBytes)) (local.get $c11))
    (v128.store align=4 (i32.add (local.get $c) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $c20))
    (v128.store offset=16 align=4 (i32.add (local.get $c) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $c21))
    (v128.store align=4 (i32.add (local.get $c) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $c30))
    (v128.store offset=16 align=4 (i32.add (local.get $c) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $c31)))

  ;; One tile of four rows × 4 columns over the listed steps of its segments and run positions.
  (func $tile4 (param $a0 i32) (param $a1 i32) (param $a2 i32) (param $a3 i32) (param $b i32) (param $c i32)
    (param $rowBytes i32) (param $steps i32) (param $index i32) (param $segLo i32) (param $segHi i32)
    (param $tLo i32) (param $tHi i32) (param $segmentLength i32)
    (local $s i32) (local $step i32) (local $stepEnd i32) (local $segmentIndex i32) (local $aOffset i32)
    (local $x v128) (local $b0 v128)
    (local $c00 v128) (local $c10 v128) (local $c20 v128) (local $c30 v128)
    (local.set $c00 (v128.load align=4 (local.get $c)))
    (local.set $c10 (v128.load align=4 (i32.add (local.get $c) (local.get $rowBytes))))
    (local.set $c20 (v128.load align=4 (i32.add (local.get $c) (i32.shl (local.get $rowBytes) (i32.const 1)))))
    (local.set $c30 (v128.load align=4 (i32.add (local.get $c) (i32.mul (local.get $rowBytes) (i32.const 3)))))
    ;; Whole runs: the steps of segments [segLo, segHi) are one range of the list.
    (if (i32.and (i32.lt_u (local.get $segLo) (local.get $segHi)) (i32.and (i32.eqz (local.get $tLo)) (i32.eq (local.get $tHi) (local.get $segmentLength))))
      (then
        (local.set $tHi (i32.mul (i32.sub (local.get $segHi) (local.get $segLo)) (local.get $segmentLength)))
        (local.set $segHi (i32.add (local.get $segLo) (i32.const 1)))))
    (local.set $s (local.get $segLo))
    (block $segmentsDone (loop $segment
      (br_if $segmentsDone (i32.ge_u (local.get $s) (local.get $segHi)))
      (local.set $segmentIndex (i32.add (local.get $index) (i32.shl (i32.mul (local.get $s) (local.get $segmentLength)) (i32.const 2))))
      (local.set $step (i32.add (local.get $steps) (i32.shl (i32.load (i32.add (local.get $segmentIndex) (i32.shl (local.get $tLo) (i32.const 2)))) (i32.const 3))))
      (local.set $stepEnd (i32.add (local.get $steps) (i32.shl (i32.load (i32.add (local.get $segmentIndex) (i32.shl (local.get $tHi) (i32.const 2)))) (i32.const 3))))
      (block $stepsDone (loop $stepLoop
        (br_if $stepsDone (i32.ge_u (local.get $step) (local.get $stepEnd)))
        (local.set $aOffset (i32.load (local.get $step)))
        (local.set $b0 (v128.load align=4 (i32.add (local.get $b) (i32.load offset=4 (local.get $step)))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a0) (local.get $aOffset))))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a1) (local.get $aOffset))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a2) (local.get $aOffset))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $x (v128.load32_splat (i32.add (local.get $a3) (local.get $aOffset))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $step (i32.add (local.get $step) (i32.const 8)))
        (br $stepLoop)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $segment)))
    (v128.store align=4 (local.get $c) (local.get $c00))
    (v128.store align=4 (i32.add (local.get $c) (local.get $rowBytes)) (local.get $c10))
    (v128.store align=4 (i32.add (local.get $c) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $c20))
    (v128.store align=4 (i32.add (local.get $c) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $c30)))

  ;; C += A · B over listed steps, segments [segFrom, segTo) only: with `byTile` 0 the lists of
  ;; `panelSteps` (one per column panel), else those of `tileSteps` (one per tile). The tiles
  ;; table and the other parameters as in segmented-gemm.wat's segmentedGemm.
  (func (export "sparseSegmentedGemm")
    (param $a i32) (param $b i32) (param $c i32) (param $tiles i32) (param $tileCount i32) (param $n i32)
    (param $k i32) (param $segmentLength i32) (param $steps i32) (param $index i32) (param $byTile i32)
    (param $segFrom i32) (param $segTo i32)
    (local $tile i32) (local $entry i32) (local $cTile i32) (local $column i32) (local $panelIndex i32) (local $indexBytes i32)
    (local $tileIndex i32) (local $panelStride i32) (local $rowBytes i32) (local $segLo i32) (local $segHi i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $tLo i32) (local $tHi i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $indexBytes (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))
    (local.set $panelStride (select (i32.const 0) (local.get $indexBytes) (local.get $byTile)))
    (local.set $tileIndex (local.get $index))
    (block $tilesDone (loop $tileLoop
      (br_if $tilesDone (i32.ge_u (local.get $tile) (local.get $tileCount)))
      (local.set $entry (i32.add (local.get $tiles) (i32.shl (local.get $tile) (i32.const 5))))
      (local.set $a0 (i32.add (local.get $a) (i32.load offset=0 (local.get $entry))))
      (local.set $a1 (i32.add (local.get $a) (i32.load offset=4 (local.get $entry))))
      (local.set $a2 (i32.add (local.get $a) (i32.load offset=8 (local.get $entry))))
      (local.set $a3 (i32.add (local.get $a) (i32.load offset=12 (local.get $entry))))
      (local.set $segLo (i32.load offset=16 (local.get $entry)))
      (local.set $segHi (i32.load offset=20 (local.get $entry)))
      (local.set $tLo (i32.load offset=24 (local.get $entry)))
      (local.set $tHi (i32.load offset=28 (local.get $entry)))
      (if (i32.lt_s (local.get $segLo) (local.get $segFrom)) (then (local.set $segLo (local.get $segFrom))))
      (if (i32.gt_s (local.get $segHi) (local.get $segTo)) (then (local.set $segHi (local.get $segTo))))
      (local.set $cTile (i32.add (local.get $c) (i32.shl (i32.mul (local.get $tile) (local.get $n)) (i32.const 4))))
      (local.set $column (i32.const 0))
      (local.set $panelIndex (local.get $tileIndex))
      (block $columnsDone (loop $columnLoop
        (br_if $columnsDone (i32.ge_u (local.get $column) (local.get $n)))
        (if (i32.le_u (i32.add (local.get $column) (i32.const 8)) (local.get $n))
          (then
            (call $tile8 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)
              (i32.add (local.get $b) (i32.shl (local.get $column) (i32.const 2)))
              (i32.add (local.get $cTile) (i32.shl (local.get $column) (i32.const 2)))
              (local.get $rowBytes) (local.get $steps) (local.get $panelIndex)
              (local.get $segLo) (local.get $segHi) (local.get $tLo) (local.get $tHi) (local.get $segmentLength))
            (local.set $column (i32.add (local.get $column) (i32.const 8))))
          (else
            (call $tile4 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)
              (i32.add (local.get $b) (i32.shl (local.get $column) (i32.const 2)))
              (i32.add (local.get $cTile) (i32.shl (local.get $column) (i32.const 2)))
              (local.get $rowBytes) (local.get $steps) (local.get $panelIndex)
              (local.get $segLo) (local.get $segHi) (local.get $tLo) (local.get $tHi) (local.get $segmentLength))
            (local.set $column (i32.add (local.get $column) (i32.const 4)))))
        (local.set $panelIndex (i32.add (local.get $panelIndex) (local.get $panelStride)))
        (br $columnLoop)))
      (if (local.get $byTile) (then (local.set $tileIndex (i32.add (local.get $tileIndex) (local.get $indexBytes)))))
      (local.set $tile (i32.add (local.get $tile) (i32.const 1)))
      (br $tileLoop)))))
