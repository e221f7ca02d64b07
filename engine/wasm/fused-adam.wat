;; One Adam step over float32 arrays in the tfjs wasm backend's memory (imported), four lanes at a
;; time with a scalar tail. Each operation is a single IEEE float32 operation in the order
;; tf.train.adam performs its tensor operations, so results are bit-identical to it:
;;   m' = m*b1 + g*c1;  v' = v*b2 + (g*g)*c2;
;;   w' = ((m'/a1) / (sqrt(v'/a2) + eps)) * nlr + w
;; Pointers are byte offsets; n is the element count.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32)
    (param $outW i32) (param $outM i32) (param $outV i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $c1 f32) (param $c2 f32)
    (param $a1 f32) (param $a2 f32) (param $eps f32) (param $nlr f32)
    (local $offset i32) (local $vectorEnd i32) (local $end i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $offset) (local.get $vectorEnd)))
        (local.set $gv (v128.load align=4 (i32.add (local.get $g) (local.get $offset))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $offset))) (f32x4.splat (local.get $b1)))
            (f32x4.mul (local.get $gv) (f32x4.splat (local.get $c1)))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $offset))) (f32x4.splat (local.get $b2)))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (f32x4.splat (local.get $c2)))))
        (v128.store align=4 (i32.add (local.get $outM) (local.get $offset)) (local.get $mv))
        (v128.store align=4 (i32.add (local.get $outV) (local.get $offset)) (local.get $vv))
        (v128.store align=4 (i32.add (local.get $outW) (local.get $offset))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (f32x4.splat (local.get $a1)))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (f32x4.splat (local.get $a2)))) (f32x4.splat (local.get $eps))))
              (f32x4.splat (local.get $nlr)))
            (v128.load align=4 (i32.add (local.get $w) (local.get $offset)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 16)))
        (br $vector)))
    (block $scalarDone
      (loop $scalar
        (br_if $scalarDone (i32.ge_u (local.get $offset) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $offset))))
        (local.set $ms
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $offset))) (local.get $b1))
            (f32.mul (local.get $gs) (local.get $c1))))
        (local.set $vs
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $offset))) (local.get $b2))
            (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
        (f32.store (i32.add (local.get $outM) (local.get $offset)) (local.get $ms))
        (f32.store (i32.add (local.get $outV) (local.get $offset)) (local.get $vs))
        (f32.store (i32.add (local.get $outW) (local.get $offset))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $a1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $a2))) (local.get $eps)))
              (local.get $nlr))
            (f32.load (i32.add (local.get $w) (local.get $offset)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 4)))
        (br $scalar)))))
