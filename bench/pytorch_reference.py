"""PyTorch reference for bench/engine-speed.ts: the same network, optimiser, batch and masks, one thread.

Usage: python3 pytorch_reference.py JOB_JSON
  JOB_JSON: {"architecture": <PruneBench ArchitectureSpec>, "kind": "classification" | "regression",
             "outputSize": int, "samples": int, "batch": int, "learningRate": float,
             "density": float, "warmupSteps": int, "repeats": int}
Builds the network from PruneBench's architecture spec (NCHW, PyTorch's native layout), draws
random masks keeping `density` of every prunable weight (dense and convolution kernels), and
trains passes over `samples` random inputs of the architecture's shape with Adam, masking the
weights in the forward pass and re-applying the masks after every step, as PruneBench does.
Prints the median samples per second (wall and CPU time) over `repeats` passes, after
`warmupSteps` steps, and the torch version, as JSON.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


class MaskedNet(nn.Module):
    def __init__(self, spec):
        super().__init__()
        shape = list(spec["inputShape"])
        # PruneBench's image shapes are NHWC; PyTorch computes in NCHW.
        self.input_shape = [shape[2], shape[0], shape[1]] if len(shape) == 3 else shape
        channels, height, width = (self.input_shape + [1, 1])[:3]
        flat = None if len(shape) == 3 else shape[0]
        self.steps = []
        self.weights = nn.ModuleList()
        for layer in spec["layers"]:
            kind = layer["kind"]
            if kind == "conv2d":
                k = layer["kernelSize"]
                padding = k // 2 if layer["padding"] == "same" else 0
                stride = layer.get("stride", 1)
                conv = nn.Conv2d(channels, layer["filters"], k, stride=stride, padding=padding)
                channels = layer["filters"]
                height, width = [(d + 2 * padding - k) // stride + 1 for d in (height, width)]
                self.steps.append(("weights", len(self.weights), layer["activation"]))
                self.weights.append(conv)
            elif kind == "dense":
                linear = nn.Linear(flat, layer["units"])
                flat = layer["units"]
                self.steps.append(("weights", len(self.weights), layer["activation"]))
                self.weights.append(linear)
            elif kind == "maxPool":
                size, stride = layer["size"], layer.get("stride", layer["size"])
                self.steps.append(("pool", size, stride))
                height, width = [(d - size) // stride + 1 for d in (height, width)]
            elif kind == "flatten":
                self.steps.append(("flatten",))
                flat = channels * height * width
        self.masks = {}

    def forward(self, x):
        h = x.view(-1, *self.input_shape)
        for step in self.steps:
            if step[0] == "weights":
                module = self.weights[step[1]]
                w = module.weight * self.masks[module] if module in self.masks else module.weight
                if isinstance(module, nn.Conv2d):
                    h = F.conv2d(h, w, module.bias, module.stride, module.padding)
                else:
                    h = F.linear(h, w, module.bias)
                if step[2] == "relu":
                    h = F.relu(h)
            elif step[0] == "pool":
                h = F.max_pool2d(h, step[1], step[2])
            else:
                h = h.flatten(1)
        return h


def train(model, opt, loss_fn, x, y, batch):
    for i in range(0, x.shape[0], batch):
        opt.zero_grad()
        loss = loss_fn(model(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()
        with torch.no_grad():
            for module, mask in model.masks.items():
                module.weight.mul_(mask)


def main():
    job = json.loads(sys.argv[1])
    spec, samples, batch = job["architecture"], job["samples"], job["batch"]
    model = MaskedNet(spec)
    sample_size = 1
    for d in spec["inputShape"]:
        sample_size *= d
    model.masks = {m: (torch.rand_like(m.weight) < job["density"]).float() for m in model.weights}
    opt = torch.optim.Adam(model.parameters(), lr=job["learningRate"])
    x = torch.rand(samples, sample_size)
    if job["kind"] == "classification":
        y = torch.randint(0, job["outputSize"], (samples,))
        loss_fn = F.cross_entropy
    else:
        y = torch.rand(samples, job["outputSize"])
        loss_fn = F.mse_loss
    warmup = job["warmupSteps"] * batch
    train(model, opt, loss_fn, x[:warmup], y[:warmup], batch)
    wall, cpu = [], []
    for _ in range(job["repeats"]):
        start, start_cpu = time.perf_counter(), time.process_time()
        train(model, opt, loss_fn, x, y, batch)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(json.dumps({
        "samples_per_second": samples / statistics.median(wall),
        "samples_per_cpu_second": samples / statistics.median(cpu),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
