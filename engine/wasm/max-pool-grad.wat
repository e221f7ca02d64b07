;; The gradient of a 2×2 max pool at stride 2 without padding, NHWC float32 in the tfjs wasm
;; backend's memory (imported), four channels at a time for channels [0, vectorChannels) (a
;; multiple of 4; the caller does the rest). Each window passes dy to the first of its four
;; positions (top-left, top-right, bottom-left, bottom-right) holding a value strictly greater
;; than every earlier one and than −∞ — as PruneBench's MaxPoolGrad and the cpu backend choose;
;; NaN is never chosen — as 0 + dy (so −0 becomes +0, as adding to a zeroed gradient does), and
;; writes 0 to the other three. Positions outside every window are left to the caller.
(module
  (import "env" "memory" (memory 1))
  (func (export "pairPoolGrad")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inHeight i32) (param $inWidth i32) (param $channels i32)
    (param $outHeight i32) (param $outWidth i32) (param $vectorChannels i32)
    (local $rowBytes i32) (local $pixelBytes i32) (local $b i32) (local $r i32) (local $c i32) (local $d i32)
    (local $corner i32) (local $gradient i32) (local $vectorBytes i32)
    (local $topLeft v128) (local $topRight v128) (local $bottomLeft v128) (local $bottomRight v128)
    (local $max v128) (local $position v128) (local $greater v128) (local $g v128) (local $zero v128)
    (local.set $pixelBytes (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $inWidth) (local.get $pixelBytes)))
    (local.set $vectorBytes (i32.shl (local.get $vectorChannels) (i32.const 2)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $gradient (local.get $dy))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $r (i32.const 0))
      (block $rowsDone (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $outHeight)))
        (local.set $c (i32.const 0))
        (block $columnsDone (loop $columnLoop
          (br_if $columnsDone (i32.ge_u (local.get $c) (local.get $outWidth)))
          ;; byte offset of the window's top-left pixel: ((b·inHeight + 2r)·inWidth + 2c)·channels·4
          (local.set $corner
            (i32.add
              (i32.mul (i32.add (i32.mul (local.get $b) (local.get $inHeight)) (i32.shl (local.get $r) (i32.const 1))) (local.get $rowBytes))
              (i32.mul (i32.shl (local.get $c) (i32.const 1)) (local.get $pixelBytes))))
          (local.set $d (i32.const 0))
          (block $channelsDone (loop $channelLoop
            (br_if $channelsDone (i32.ge_u (local.get $d) (local.get $vectorBytes)))
            (local.set $topLeft (v128.load align=4 (i32.add (i32.add (local.get $x) (local.get $corner)) (local.get $d))))
            (local.set $topRight (v128.load align=4 (i32.add (i32.add (i32.add (local.get $x) (local.get $corner)) (local.get $pixelBytes)) (local.get $d))))
            (local.set $bottomLeft (v128.load align=4 (i32.add (i32.add (i32.add (local.get $x) (local.get $corner)) (local.get $rowBytes)) (local.get $d))))
            (local.set $bottomRight (v128.load align=4 (i32.add (i32.add (i32.add (i32.add (local.get $x) (local.get $corner)) (local.get $rowBytes)) (local.get $pixelBytes)) (local.get $d))))
            (local.set $max (f32x4.splat (f32.const -inf)))
            (local.set $position (i32x4.splat (i32.const -1)))
            (local.set $greater (f32x4.gt (local.get $topLeft) (local.get $max)))
            (local.set $max (v128.bitselect (local.get $topLeft) (local.get $max) (local.get $greater)))
            (local.set $position (v128.bitselect (i32x4.splat (i32.const 0)) (local.get $position) (local.get $greater)))
            (local.set $greater (f32x4.gt (local.get $topRight) (local.get $max)))
            (local.set $max (v128.bitselect (local.get $topRight) (local.get $max) (local.get $greater)))
            (local.set $position (v128.bitselect (i32x4.splat (i32.const 1)) (local.get $position) (local.get $greater)))
            (local.set $greater (f32x4.gt (local.get $bottomLeft) (local.get $max)))
            (local.set $max (v128.bitselect (local.get $bottomLeft) (local.get $max) (local.get $greater)))
            (local.set $position (v128.bitselect (i32x4.splat (i32.const 2)) (local.get $position) (local.get $greater)))
            (local.set $greater (f32x4.gt (local.get $bottomRight) (local.get $max)))
            (local.set $position (v128.bitselect (i32x4.splat (i32.const 3)) (local.get $position) (local.get $greater)))
            (local.set $g (f32x4.add (local.get $zero) (v128.load align=4 (i32.add (local.get $gradient) (local.get $d)))))
            (v128.store align=4 (i32.add (i32.add (local.get $dx) (local.get $corner)) (local.get $d))
              (v128.and (local.get $g) (i32x4.eq (local.get $position) (i32x4.splat (i32.const 0)))))
            (v128.store align=4 (i32.add (i32.add (i32.add (local.get $dx) (local.get $corner)) (local.get $pixelBytes)) (local.get $d))
              (v128.and (local.get $g) (i32x4.eq (local.get $position) (i32x4.splat (i32.const 1)))))
            (v128.store align=4 (i32.add (i32.add (i32.add (local.get $dx) (local.get $corner)) (local.get $rowBytes)) (local.get $d))
              (v128.and (local.get $g) (i32x4.eq (local.get $position) (i32x4.splat (i32.const 2)))))
            (v128.store align=4 (i32.add (i32.add (i32.add (i32.add (local.get $dx) (local.get $corner)) (local.get $rowBytes)) (local.get $pixelBytes)) (local.get $d))
              (v128.and (local.get $g) (i32x4.eq (local.get $position) (i32x4.splat (i32.const 3)))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $channelLoop)))
          (local.set $gradient (i32.add (local.get $gradient) (local.get $pixelBytes)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $columnLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchLoop)))))
