;; Column sums of a row-major float32 matrix in the tfjs wasm backend's memory (imported):
;; out[c] = (((0 + x[0][c]) + x[1][c]) + …) + x[rows−1][c], each addition one IEEE float32
;; addition in row order: the order of the backend's own Sum, which transposes the summed axes
;; innermost and adds them one by one from 0, so results are bit-identical to it. Four columns
;; at a time, a scalar tail. Pointers are byte offsets.
(module
  (import "env" "memory" (memory 1))
  (func (export "columnSums") (param $x i32) (param $out i32) (param $rows i32) (param $columns i32)
    (local $rowBytes i32) (local $vectorEnd i32) (local $offset i32) (local $row i32) (local $end i32)
    (local.set $rowBytes (i32.shl (local.get $columns) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $rowBytes) (i32.const -16)))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $offset) (local.get $rowBytes)))
        (f32.store (i32.add (local.get $out) (local.get $offset)) (f32.const 0))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $zero)))
    (local.set $row (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $end)))
        (local.set $offset (i32.const 0))
        (block $vectorDone
          (loop $vector
            (br_if $vectorDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
            (v128.store align=4 (i32.add (local.get $out) (local.get $offset))
              (f32x4.add
                (v128.load align=4 (i32.add (local.get $out) (local.get $offset)))
                (v128.load align=4 (i32.add (local.get $row) (local.get $offset)))))
            (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
            (br $vector)))
        (block $scalarDone
          (loop $scalar
            (br_if $scalarDone (i32.ge_u (local.get $offset) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (local.get $offset))
              (f32.add
                (f32.load (i32.add (local.get $out) (local.get $offset)))
                (f32.load (i32.add (local.get $row) (local.get $offset)))))
            (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
            (br $scalar)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (br $rowLoop)))))
