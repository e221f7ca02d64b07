;; Peak float32 multiply-add rate of wasm SIMD on this machine: 7 independent chains of
;; x = x·y and acc = acc + x (f32x4.mul and f32x4.add: wasm SIMD has no fused multiply-add), eight
;; floating-point operations per chain and round, no memory traffic, every value in a register
;; (x86 has 16 vector registers). y = 1 keeps the values finite; it is a parameter, so the
;; compiler cannot fold the multiplication away, and every accumulator reaches the result.
(module
  (func (export "peak") (param $rounds i32) (param $seed f32) (param $yScalar f32) (result f32)
    (local $y v128) (local $x0 v128) (local $a0 v128) (local $x1 v128) (local $a1 v128) (local $x2 v128) (local $a2 v128) (local $x3 v128) (local $a3 v128) (local $x4 v128) (local $a4 v128) (local $x5 v128) (local $a5 v128) (local $x6 v128) (local $a6 v128)
    (local.set $y (f32x4.splat (local.get $yScalar)))
    (local.set $x0 (f32x4.splat (f32.add (local.get $seed) (f32.const 0))))
    (local.set $x1 (f32x4.splat (f32.add (local.get $seed) (f32.const 1))))
    (local.set $x2 (f32x4.splat (f32.add (local.get $seed) (f32.const 2))))
    (local.set $x3 (f32x4.splat (f32.add (local.get $seed) (f32.const 3))))
    (local.set $x4 (f32x4.splat (f32.add (local.get $seed) (f32.const 4))))
    (local.set $x5 (f32x4.splat (f32.add (local.get $seed) (f32.const 5))))
    (local.set $x6 (f32x4.splat (f32.add (local.get $seed) (f32.const 6))))
    (loop $round
      (local.set $x0 (f32x4.mul (local.get $x0) (local.get $y)))
      (local.set $x1 (f32x4.mul (local.get $x1) (local.get $y)))
      (local.set $x2 (f32x4.mul (local.get $x2) (local.get $y)))
      (local.set $x3 (f32x4.mul (local.get $x3) (local.get $y)))
      (local.set $x4 (f32x4.mul (local.get $x4) (local.get $y)))
      (local.set $x5 (f32x4.mul (local.get $x5) (local.get $y)))
      (local.set $x6 (f32x4.mul (local.get $x6) (local.get $y)))
      (local.set $a0 (f32x4.add (local.get $a0) (local.get $x0)))
      (local.set $a1 (f32x4.add (local.get $a1) (local.get $x1)))
      (local.set $a2 (f32x4.add (local.get $a2) (local.get $x2)))
      (local.set $a3 (f32x4.add (local.get $a3) (local.get $x3)))
      (local.set $a4 (f32x4.add (local.get $a4) (local.get $x4)))
      (local.set $a5 (f32x4.add (local.get $a5) (local.get $x5)))
      (local.set $a6 (f32x4.add (local.get $a6) (local.get $x6)))
      (br_if $round (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))))
    (f32x4.extract_lane 0 (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (local.get $a2)) (local.get $a3)) (local.get $a4)) (local.get $a5)) (local.get $a6)))))
