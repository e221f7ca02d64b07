;; Transposes a rows × columns matrix whose elements are runs of `run` consecutive float32 values,
;; in the tfjs wasm backend's memory (imported): dst[c][r] = src[r][c]. Moving an NHWC tensor's
;; batch axis inward ([B, H·W, C] → [H·W, B, C]) or back out is this transpose with runs of C:
;; a copy, so results are bit-identical to tfjs's Transpose. Pointers are byte offsets.
(module
  (import "env" "memory" (memory 1))
  (func (export "transposeRuns") (param $src i32) (param $dst i32) (param $rows i32) (param $columns i32) (param $run i32)
    (local $r i32) (local $c i32) (local $from i32) (local $to i32) (local $offset i32)
    (local $runBytes i32) (local $vectorBytes i32) (local $dstColumnBytes i32)
    (local.set $runBytes (i32.shl (local.get $run) (i32.const 2)))
    (local.set $vectorBytes (i32.and (local.get $runBytes) (i32.const -16)))
    (local.set $dstColumnBytes (i32.mul (local.get $rows) (local.get $runBytes)))
    (local.set $from (local.get $src))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $to (i32.add (local.get $dst) (i32.mul (local.get $r) (local.get $runBytes))))
      (local.set $c (i32.const 0))
      (block $columnsDone (loop $columnLoop
        (br_if $columnsDone (i32.ge_u (local.get $c) (local.get $columns)))
        (local.set $offset (i32.const 0))
        (block $vectorDone (loop $vector
          (br_if $vectorDone (i32.ge_u (local.get $offset) (local.get $vectorBytes)))
          (v128.store align=4 (i32.add (local.get $to) (local.get $offset)) (v128.load align=4 (i32.add (local.get $from) (local.get $offset))))
          (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
          (br $vector)))
        (block $scalarDone (loop $scalar
          (br_if $scalarDone (i32.ge_u (local.get $offset) (local.get $runBytes)))
          (i32.store (i32.add (local.get $to) (local.get $offset)) (i32.load (i32.add (local.get $from) (local.get $offset))))
          (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
          (br $scalar)))
        (local.set $from (i32.add (local.get $from) (local.get $runBytes)))
        (local.set $to (i32.add (local.get $to) (local.get $dstColumnBytes)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $columnLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop)))))
