//! Min-cost maximum flow by the primal-dual method, on compact CSR arrays.
//!
//! Each *phase* runs Dijkstra on reduced costs `c(u,v) + π(u) − π(v) ≥ 0` from the source (it
//! stops as soon as the sink is settled; unsettled nodes get the sink's distance, which keeps
//! every residual reduced cost non-negative), adds the distances to the potentials, and then
//! pushes a *maximum* flow through the sub-network of residual arcs whose reduced cost is zero,
//! Dinic-style: BFS levels, then iterative DFS with current-arc pointers. Every augmenting path
//! in that sub-network is a shortest path, so the flow stays cost-optimal for its value (the
//! successive-shortest-path invariant) while one Dijkstra serves thousands of augmentations.
//!
//! The number of phases is at most the number of distinct shortest-path lengths, which is
//! bounded by the range of path costs (small integers for the assigner's costs), so the total
//! work is O(phases · (m log n + Dinic on the admissible graph)).
//!
//! Memory: 16 bytes per residual arc (head u32, partner u32, residual capacity i32, cost i32),
//! two residual arcs per network arc, plus O(n) node arrays.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A flow network as solved: nodes `0..nodes`, one supply at `source`, the demand at `sink`,
/// and arcs given as parallel arrays (`tails[i] → heads[i]`, capacity `caps[i]`, integer unit
/// cost `costs[i]`). This is exactly what `--export-instance` writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Network {
    pub nodes: u32,
    pub source: u32,
    pub sink: u32,
    pub tails: Vec<u32>,
    pub heads: Vec<u32>,
    pub caps: Vec<i32>,
    pub costs: Vec<i32>,
}

impl Network {
    /// Adds an arc; returns its index.
    pub fn add_arc(&mut self, tail: u32, head: u32, cap: i32, cost: i32) -> usize {
        self.tails.push(tail);
        self.heads.push(head);
        self.caps.push(cap);
        self.costs.push(cost);
        self.tails.len() - 1
    }

    /// Number of arcs.
    pub fn arcs(&self) -> usize {
        self.tails.len()
    }

    /// Total capacity out of the source: the flow the assigner asks for.
    pub fn source_capacity(&self) -> i64 {
        self.tails
            .iter()
            .zip(&self.caps)
            .filter(|(t, _)| **t == self.source)
            .map(|(_, c)| i64::from(*c))
            .sum()
    }
}

/// What a solve found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowStats {
    /// Flow value sent from source to sink (the maximum flow).
    pub value: i64,
    /// Its total cost (minimum among flows of that value).
    pub cost: i64,
    /// Dijkstra phases.
    pub phases: u32,
    /// Augmenting paths.
    pub augmentations: u64,
}

/// The network has a negative-cost cycle reachable from the source (never the case for the
/// assigner's layered networks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegativeCycle;

/// The residual graph in CSR form.
pub struct Graph {
    n: usize,
    source: u32,
    sink: u32,
    /// Out-arcs of node `u` are `first[u]..first[u+1]`.
    first: Vec<u32>,
    head: Vec<u32>,
    /// Index of the paired (reverse) residual arc.
    partner: Vec<u32>,
    cap: Vec<i32>,
    cost: Vec<i32>,
    /// Position of each network arc's forward residual arc.
    forward: Vec<u32>,
}

const INF: i64 = i64::MAX / 4;

impl Graph {
    /// Builds the residual graph of `net` (all flows zero).
    pub fn new(net: &Network) -> Self {
        let n = net.nodes as usize;
        let m = net.arcs();
        assert!(2 * m < u32::MAX as usize, "too many arcs");
        let mut first = vec![0u32; n + 1];
        for i in 0..m {
            first[net.tails[i] as usize + 1] += 1;
            first[net.heads[i] as usize + 1] += 1;
        }
        for u in 0..n {
            first[u + 1] += first[u];
        }
        let mut next: Vec<u32> = first[..n].to_vec();
        let mut head = vec![0u32; 2 * m];
        let mut partner = vec![0u32; 2 * m];
        let mut cap = vec![0i32; 2 * m];
        let mut cost = vec![0i32; 2 * m];
        let mut forward = vec![0u32; m];
        for (i, fwd) in forward.iter_mut().enumerate() {
            let (t, h) = (net.tails[i] as usize, net.heads[i] as usize);
            let f = next[t];
            next[t] += 1;
            let r = next[h];
            next[h] += 1;
            let (fu, ru) = (f as usize, r as usize);
            head[fu] = h as u32;
            head[ru] = t as u32;
            partner[fu] = r;
            partner[ru] = f;
            cap[fu] = net.caps[i];
            cap[ru] = 0;
            cost[fu] = net.costs[i];
            cost[ru] = -net.costs[i];
            *fwd = f;
        }
        Self {
            n,
            source: net.source,
            sink: net.sink,
            first,
            head,
            partner,
            cap,
            cost,
            forward,
        }
    }

    /// Number of residual arcs (twice the network's arcs).
    pub fn residual_arcs(&self) -> usize {
        self.head.len()
    }

    /// Flow on network arc `i` (its index in the [`Network`]).
    pub fn flow(&self, i: usize) -> i32 {
        let f = self.forward[i] as usize;
        self.cap[self.partner[f] as usize]
    }

    /// Nodes reachable from the source in the residual graph (the source side of a minimum
    /// cut once the flow is maximum).
    pub fn source_side(&self) -> Vec<bool> {
        let mut seen = vec![false; self.n];
        let mut stack = vec![self.source];
        seen[self.source as usize] = true;
        while let Some(u) = stack.pop() {
            for a in self.first[u as usize] as usize..self.first[u as usize + 1] as usize {
                let v = self.head[a];
                if self.cap[a] > 0 && !seen[v as usize] {
                    seen[v as usize] = true;
                    stack.push(v);
                }
            }
        }
        seen
    }

    /// Initial potentials: shortest distances from the source over arcs with capacity
    /// (Bellman–Ford with a FIFO queue; linear on layered networks). Unreachable nodes get 0:
    /// they stay unreachable for the whole solve, so their potential never matters.
    fn initial_potentials(&self) -> Result<Vec<i64>, NegativeCycle> {
        let mut dist = vec![INF; self.n];
        let mut in_queue = vec![false; self.n];
        let mut pops = vec![0u32; self.n];
        let mut queue = std::collections::VecDeque::new();
        dist[self.source as usize] = 0;
        queue.push_back(self.source);
        while let Some(u) = queue.pop_front() {
            let u = u as usize;
            in_queue[u] = false;
            pops[u] += 1;
            if pops[u] as usize > self.n {
                return Err(NegativeCycle);
            }
            let du = dist[u];
            for a in self.first[u] as usize..self.first[u + 1] as usize {
                if self.cap[a] <= 0 {
                    continue;
                }
                let v = self.head[a] as usize;
                let nd = du + i64::from(self.cost[a]);
                if nd < dist[v] {
                    dist[v] = nd;
                    if !in_queue[v] {
                        in_queue[v] = true;
                        queue.push_back(v as u32);
                    }
                }
            }
        }
        for d in &mut dist {
            if *d == INF {
                *d = 0;
            }
        }
        Ok(dist)
    }

    /// Sends a maximum flow from source to sink at minimum cost.
    pub fn min_cost_max_flow(&mut self) -> Result<FlowStats, NegativeCycle> {
        let n = self.n;
        let (s, t) = (self.source as usize, self.sink as usize);
        let mut stats = FlowStats {
            value: 0,
            cost: 0,
            phases: 0,
            augmentations: 0,
        };
        if s == t {
            return Ok(stats);
        }
        let mut pot = self.initial_potentials()?;
        let mut dist = vec![INF; n];
        let mut done = vec![false; n];
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
        let mut level = vec![-1i32; n];
        let mut it = vec![0u32; n];
        let mut queue: Vec<u32> = Vec::with_capacity(n);
        let mut path: Vec<u32> = Vec::new();
        loop {
            // Dijkstra on reduced costs, stopping when the sink is settled.
            dist.fill(INF);
            done.fill(false);
            heap.clear();
            dist[s] = 0;
            heap.push(Reverse((0, s as u32)));
            while let Some(Reverse((d, u))) = heap.pop() {
                let u = u as usize;
                if done[u] || d > dist[u] {
                    continue;
                }
                done[u] = true;
                if u == t {
                    break;
                }
                let pu = pot[u];
                for a in self.first[u] as usize..self.first[u + 1] as usize {
                    if self.cap[a] <= 0 {
                        continue;
                    }
                    let v = self.head[a] as usize;
                    if done[v] {
                        continue;
                    }
                    let nd = d + i64::from(self.cost[a]) + pu - pot[v];
                    if nd < dist[v] {
                        dist[v] = nd;
                        heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
            if !done[t] {
                break;
            }
            stats.phases += 1;
            let dt = dist[t];
            for v in 0..n {
                pot[v] += if done[v] { dist[v] } else { dt };
            }
            // Maximum flow on the admissible (zero reduced cost) arcs, Dinic-style.
            loop {
                level.fill(-1);
                level[s] = 0;
                queue.clear();
                queue.push(s as u32);
                let mut qi = 0;
                while qi < queue.len() {
                    let u = queue[qi] as usize;
                    qi += 1;
                    if level[t] >= 0 && level[u] >= level[t] {
                        break;
                    }
                    let pu = pot[u];
                    for a in self.first[u] as usize..self.first[u + 1] as usize {
                        if self.cap[a] <= 0 {
                            continue;
                        }
                        let v = self.head[a] as usize;
                        if level[v] < 0 && i64::from(self.cost[a]) + pu == pot[v] {
                            level[v] = level[u] + 1;
                            queue.push(v as u32);
                        }
                    }
                }
                if level[t] < 0 {
                    break;
                }
                for &u in &queue {
                    it[u as usize] = self.first[u as usize];
                }
                it[t] = self.first[t];
                // Iterative DFS with current-arc pointers; restarts from the source after each
                // augmentation (paths are short relative to the work saved by `it`).
                loop {
                    path.clear();
                    let mut u = s;
                    let pushed = loop {
                        if u == t {
                            let mut b = i32::MAX;
                            for &a in &path {
                                b = b.min(self.cap[a as usize]);
                            }
                            let mut c = 0i64;
                            for &a in &path {
                                let a = a as usize;
                                self.cap[a] -= b;
                                self.cap[self.partner[a] as usize] += b;
                                c += i64::from(self.cost[a]);
                            }
                            stats.cost += c * i64::from(b);
                            stats.value += i64::from(b);
                            stats.augmentations += 1;
                            break true;
                        }
                        let end = self.first[u + 1];
                        let mut found = None;
                        while it[u] < end {
                            let a = it[u] as usize;
                            let v = self.head[a] as usize;
                            if self.cap[a] > 0
                                && level[v] == level[u] + 1
                                && i64::from(self.cost[a]) + pot[u] == pot[v]
                            {
                                found = Some(a);
                                break;
                            }
                            it[u] += 1;
                        }
                        match found {
                            Some(a) => {
                                path.push(a as u32);
                                u = self.head[a] as usize;
                            }
                            None => {
                                // Dead end: block `u` and retreat.
                                level[u] = -1;
                                match path.pop() {
                                    None => break false,
                                    Some(a) => {
                                        u = self.head[self.partner[a as usize] as usize] as usize;
                                        it[u] += 1;
                                    }
                                }
                            }
                        }
                    };
                    if !pushed {
                        break;
                    }
                }
            }
        }
        Ok(stats)
    }
}
