"""PyTorch reference for bench/engine-speed.ts: the same architectures, batch and optimiser, one thread.

Usage: python3 pytorch_reference.py ARCH SAMPLES BATCH  ->  prints samples/second as JSON.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


class LeNet300100(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.view(-1, 784))))))


class LeNet5(nn.Module):
    """Caffe LeNet-5 as in Han et al. 2015: conv 20@5x5, pool, conv 50@5x5, pool, fc 500, fc 10."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 20, 5), nn.Conv2d(20, 50, 5)
        self.fc1, self.fc2 = nn.Linear(800, 500), nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x.view(-1, 1, 28, 28))), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def main():
    arch, samples, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    model = {"lenet-300-100": LeNet300100, "lenet-5": LeNet5}[arch]()
    opt = torch.optim.Adam(model.parameters(), lr=1.2e-3)
    x = torch.rand(samples, 784)
    y = torch.randint(0, 10, (samples,))
    masks = [torch.ones_like(p) for p in model.parameters() if p.dim() > 1]
    start = time.perf_counter()
    for i in range(0, samples, batch):
        opt.zero_grad()
        loss = F.cross_entropy(model(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()
        with torch.no_grad():  # mask re-application, as PruneBench does after every step
            for p, m in zip([p for p in model.parameters() if p.dim() > 1], masks):
                p.mul_(m)
    seconds = time.perf_counter() - start
    print(json.dumps({"samples_per_second": samples / seconds, "seconds": seconds, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
