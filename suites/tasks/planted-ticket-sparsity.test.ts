import { describe, expect, it } from 'vitest';
import { plantedTicketSparsity } from './planted-ticket-sparsity.ts';
import { keepCountFor } from '../../harness/prune/select.ts';

describe('plantedTicketSparsity', () => {
  it('is the shortest decimal whose keep count is exactly the ticket', () => {
    // 119 of 30,600: exact 0.996111…; 0.996 keeps 30,600 − round(30,477.6) = 122, 0.9961 keeps
    // 30,600 − round(30,480.66) = 119.
    expect(plantedTicketSparsity(119, 30600)).toBe(0.9961);
    // 98 of 30,400: exact 0.9967763…; 0.9968 keeps 30,400 − round(30,302.72) = 97, 0.9967 keeps 100;
    // with five digits 0.99677 keeps 30,400 − round(30,301.808) = 98 and 0.99678 keeps
    // 30,400 − round(30,302.112) = 98: both exact, 0.99678 is nearer 0.9967763.
    expect(plantedTicketSparsity(98, 30400)).toBe(0.99678);
    // 1 of 4: exact 0.75; with one digit 0.7 keeps 4 − round(2.8) = 1 and 0.8 keeps 4 − round(3.2) = 1,
    // equally near 0.75: the lower wins. One digit beats the exact two-digit 0.75.
    expect(plantedTicketSparsity(1, 4)).toBe(0.7);
    expect(plantedTicketSparsity(5, 10)).toBe(0.5);
    // Its own keep rule is the harness's.
    for (const [edges, total] of [
      [119, 30600],
      [98, 30400],
      [1, 4],
      [5, 30200],
      [146, 30700],
      [162, 80600],
    ]) {
      expect(keepCountFor(total, plantedTicketSparsity(edges, total))).toBe(edges);
    }
  });

  it('refuses a ticket that is empty or the whole network', () => {
    expect(() => plantedTicketSparsity(0, 100)).toThrow(/no sparsity in \(0, 1\)/);
    expect(() => plantedTicketSparsity(100, 100)).toThrow(/no sparsity in \(0, 1\)/);
  });
});
