"""PyTorch reference for bench/engine-speed.ts: the same architectures, batch and optimiser, one thread.

Usage: python3 pytorch_reference.py ARCH SAMPLES BATCH
  ARCH is lenet-300-100 or lenet-5; prints samples per second of wall time and of CPU time
  (the latter is steadier on a loaded machine), the seconds and the torch version as JSON.
Trains one pass over SAMPLES random MNIST-shaped samples with SGD (lr 0.01, momentum 0.9),
re-applying all-ones masks after every step as PruneBench does, after a few warm-up steps.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

WARMUP_STEPS = 10


class LeNet300100(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.view(-1, 784))))))


class LeNet5(nn.Module):
    """conv 6@5x5 same, pool 2, conv 16@5x5 valid, pool 2, fc 120, 84, 10 (as in bench/engine-speed.ts)."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x.view(-1, 1, 28, 28))), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.flatten(1))))))


def train(model, opt, masked, masks, x, y, batch):
    for i in range(0, x.shape[0], batch):
        opt.zero_grad()
        loss = F.cross_entropy(model(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()
        with torch.no_grad():
            for p, m in zip(masked, masks):
                p.mul_(m)


def main():
    arch, samples, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    model = {"lenet-300-100": LeNet300100, "lenet-5": LeNet5}[arch]()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    masked = [p for p in model.parameters() if p.dim() > 1]
    masks = [torch.ones_like(p) for p in masked]
    x = torch.rand(samples, 784)
    y = torch.randint(0, 10, (samples,))
    warmup = WARMUP_STEPS * batch
    train(model, opt, masked, masks, x[:warmup], y[:warmup], batch)
    start, start_cpu = time.perf_counter(), time.process_time()
    train(model, opt, masked, masks, x, y, batch)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    print(json.dumps({
        "samples_per_second": samples / seconds,
        "samples_per_cpu_second": samples / cpu_seconds,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
