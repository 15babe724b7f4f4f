// The 22 classic synthetic cases of the Yuma simulation literature (as published by
// bactensor/yuma-simulation), restated in our own data format: 40 epochs, three validators,
// two or three servers. Weights are given as piecewise-constant schedules (a step holds until
// the next one); rows are validator weights per server.

import { oneHotArgmax, threeServerNoisyWeights, twoServerNoisyWeights } from "./noisyWeights.js";
import type { BondReset, ScenarioSpec, Step } from "./types.js";

const E = 40;
/** Full weight on server 1 / server 2. */
const S1 = [1, 0];
const S2 = [0, 1];
const ALL_S1 = [S1, S1, S1];
const ALL_S2 = [S2, S2, S2];
const TWO = ["Server 1", "Server 2"];
const THREE = ["Server 1", "Server 2", "Server 3"];
const STAKE_811: Array<Step<number[]>> = [{ from: 0, value: [0.8, 0.1, 0.1] }];
const BIG = "Big vali. (0.8)";

/** The peer resets bonds only in the versions that keep absolute bond state. */
const reset = (epoch: number, server: number): BondReset[] => [
  { epoch, server, versions: ["YUMA2C", "YUMA3", "YUMA3_LIQUID"] },
];

/** Cases 15–18: a stable miner (server 3) keeps `stable`; the rest moves from server 1 to 2. */
function stableMinerCase(n: number, stable: number): ScenarioSpec {
  const rest = Math.round((1 - stable) * 100) / 100;
  const onA = [rest, 0, stable];
  const onB = [0, rest, stable];
  return {
    name: `case${n}`,
    title: `Case ${n} - big vali moves second, stable miner gets ${stable}`,
    description: `3 servers: server 3 keeps ${stable} of every weight; the eager small validator moves to server 2 first, the big one second, the lazy one third`,
    group: "classic",
    validators: [BIG, "Small eager vali. (0.1)", "Small lazy vali. (0.1)"],
    servers: THREE,
    base: 1,
    numEpochs: E,
    weights: [
      { from: 0, value: [onA, onA, onA] },
      { from: 1, value: [onA, onB, onA] },
      { from: 2, value: [onB, onB, onA] },
      { from: 3, value: [onB, onB, onB] },
    ],
    stakes: STAKE_811,
  };
}

const WTA_VALIDATORS_2 = ["Big vali. 1 (low noise)", "Big vali. 2 (high noise)", "Small vali. (high noise)"];
const WTA_VALIDATORS_3 = ["Big vali. 1 (low noise)", "Big vali. 2 (high noise)", "Big vali. 3 (high noise)"];

export const CLASSIC_SCENARIOS: ScenarioSpec[] = [
  {
    name: "case1",
    title: "Case 1 - kappa moves first",
    description: "the big validator (0.8) moves from server 1 to server 2 first, the two small ones follow one and two epochs later",
    group: "classic",
    validators: [BIG, "Small lazy vali. (0.1)", "Small lazier vali. (0.1)"],
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: [S2, S1, S1] },
      { from: 2, value: [S2, S2, S1] },
      { from: 3, value: ALL_S2 },
    ],
    stakes: STAKE_811,
  },
  {
    name: "case2",
    title: "Case 2 - kappa moves second",
    description: "a small eager validator moves to server 2 first, the big validator second, the small lazy one last",
    group: "classic",
    validators: [BIG, "Small eager vali. (0.1)", "Small lazy vali. (0.1)"],
    servers: TWO,
    base: 1,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: [S1, S2, S1] },
      { from: 2, value: [S2, S2, S1] },
      { from: 3, value: ALL_S2 },
    ],
    stakes: STAKE_811,
  },
  {
    name: "case3",
    title: "Case 3 - kappa moves third",
    description: "small eager validator moves first, small lazy one second, the big validator last",
    group: "classic",
    validators: [BIG, "Small eager vali. (0.1)", "Small lazy vali. (0.1)"],
    servers: TWO,
    base: 1,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: [S1, S2, S1] },
      { from: 2, value: [S1, S2, S2] },
      { from: 3, value: ALL_S2 },
    ],
    stakes: STAKE_811,
  },
  {
    name: "case4",
    title: "Case 4 - all validators switch",
    description: "all three validators move from server 1 to server 2 together after epoch 0",
    group: "classic",
    validators: [BIG, "Small vali. (0.1)", "Small vali 2. (0.1)"],
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: ALL_S2 },
    ],
    stakes: STAKE_811,
  },
  {
    name: "case5",
    title: "Case 5 - kappa moves second, then third",
    description: "both small validators lead the move to server 2; at epoch 21 the eager-eager one leads the move back to server 1, the big one moves last (bond reset of server 2 at epoch 20)",
    group: "classic",
    validators: [BIG, "Small eager-eager vali. (0.1)", "Small eager-lazy vali. (0.1)"],
    servers: TWO,
    base: 1,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: [S1, S2, S2] },
      { from: 2, value: ALL_S2 },
      { from: 21, value: [S2, S1, S2] },
      { from: 22, value: [S2, S1, S1] },
      { from: 23, value: ALL_S1 },
    ],
    stakes: STAKE_811,
    resetBonds: reset(20, 1),
  },
  {
    name: "case6",
    title: "Case 6 - kappa moves second, then all validators switch",
    description: "small eager validator leads the move to server 2, big one second; at epoch 21 all switch back to server 1 together (bond reset of server 1 at epoch 21)",
    group: "classic",
    validators: [BIG, "Small eager vali. (0.1)", "Small lazy vali. (0.1)"],
    servers: TWO,
    base: 1,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: [S1, S2, S1] },
      { from: 2, value: [S2, S2, S1] },
      { from: 3, value: ALL_S2 },
      { from: 21, value: ALL_S1 },
    ],
    stakes: STAKE_811,
    resetBonds: reset(21, 0),
  },
  {
    name: "case7",
    title: "Case 7 - big vali moves late, then all but one small vali moves late",
    description: "small validators lead to server 2, big one follows; at epoch 21 only the eager-eager one moves back to server 1 first (bond reset of server 1 at epoch 21)",
    group: "classic",
    validators: [BIG, "Small eager-lazy vali. (0.1)", "Small eager-eager vali. (0.1)"],
    servers: TWO,
    base: 2,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: [S1, S2, S2] },
      { from: 2, value: ALL_S2 },
      { from: 21, value: [S2, S2, S1] },
      { from: 22, value: ALL_S1 },
    ],
    stakes: STAKE_811,
    resetBonds: reset(21, 0),
  },
  {
    name: "case8",
    title: "Case 8 - big vali moves late, then late",
    description: "a big dishonest lazy validator follows the small ones one epoch late, both ways (to server 2 at epoch 1, back to server 1 at epoch 21; bond reset of server 2 at epoch 20)",
    group: "classic",
    validators: ["Big dishonest lazy vali. (0.8)", "Small eager-eager vali. (0.1)", "Small eager-eager vali 2. (0.1)"],
    servers: TWO,
    base: 1,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: [S1, S2, S2] },
      { from: 2, value: ALL_S2 },
      { from: 21, value: [S2, S1, S1] },
      { from: 22, value: ALL_S1 },
    ],
    stakes: STAKE_811,
    resetBonds: reset(20, 1),
  },
  {
    name: "case9",
    title: "Case 9 - small validators merged in e5",
    description: "everybody weights server 2; after epoch 5 the second small validator's stake moves to the first (0.1/0.1 becomes 0.2/0.0)",
    group: "classic",
    validators: [BIG, "Small vali. (0.1/0.2)", "Small vali 2. (0.1/0.0)"],
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: [{ from: 0, value: ALL_S2 }],
    stakes: [
      { from: 0, value: [0.8, 0.1, 0.1] },
      { from: 6, value: [0.8, 0.2, 0.0] },
    ],
  },
  {
    name: "case10",
    title: "Case 10 - kappa delayed",
    description: "the small eager validator moves to server 2 at epoch 1, the big validator only at epoch 10, the lazy one at epoch 11",
    group: "classic",
    validators: ["Big delayed vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"],
    servers: TWO,
    base: 1,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 1, value: [S1, S2, S1] },
      { from: 10, value: [S2, S2, S1] },
      { from: 11, value: ALL_S2 },
    ],
    stakes: STAKE_811,
  },
  {
    name: "case11",
    title: "Case 11 - clipping demo",
    description: "two big validators (0.49 each) disagree on a split; the small one (0.02) sides with one, then changes its split at epoch 20",
    group: "classic",
    validators: ["Big vali. 1 (0.49)", "Big vali. 2 (0.49)", "Small vali. (0.02)"],
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: [
      { from: 0, value: [[0.3, 0.7], [0.6, 0.4], [0.61, 0.39]] },
      { from: 20, value: [[0.3, 0.7], [0.6, 0.4], [0.3, 0.61]] },
    ],
    stakes: [{ from: 0, value: [0.49, 0.49, 0.02] }],
  },
  {
    name: "case12",
    title: "Case 12 - all validators switch, but small validator/s support alt miner with minimal weight",
    description: "all move server 1 → 2 at epoch 1 and back at epoch 21; a small dishonest validator keeps 0.001 on the other server (bond reset of server 2 at epoch 20)",
    group: "classic",
    validators: [BIG, "Small dishonest vali. (0.1)", "Small vali. (0.1)"],
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: [
      { from: 0, value: [S1, [0.999, 0.001], S1] },
      { from: 1, value: [S2, [0.001, 0.999], S2] },
      { from: 21, value: [S1, [0.999, 0.001], S1] },
    ],
    stakes: STAKE_811,
    resetBonds: reset(20, 1),
  },
  {
    name: "case13",
    title: "Case 13 - Big vali supports server 2, small validator/s support server 1",
    description: "the big validator stays on server 2; one small validator splits 0.5/0.5 throughout, the other joins the split at epoch 21 (bond reset of server 1 at epoch 20)",
    group: "classic",
    validators: [BIG, "Small vali. (0.1)", "Small vali 2. (0.1)"],
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: [
      { from: 0, value: [S2, [0.5, 0.5], S2] },
      { from: 21, value: [S2, [0.5, 0.5], [0.5, 0.5]] },
    ],
    stakes: STAKE_811,
    resetBonds: reset(20, 0),
  },
  {
    name: "case14",
    title: "Case 14 - All validators support Server 1, one of them switches to Server 2 for one epoch",
    description: "three equal validators (0.33/0.33/0.34) weight server 1; the third one weights server 2 in epoch 20 only",
    group: "classic",
    validators: ["Vali. 1 (0.33)", "Vali. 2 (0.33)", "Vali. 3 (0.34)"],
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: [
      { from: 0, value: ALL_S1 },
      { from: 20, value: [S1, S1, S2] },
      { from: 21, value: ALL_S1 },
    ],
    stakes: [{ from: 0, value: [0.33, 0.33, 0.34] }],
  },
  stableMinerCase(15, 0.25),
  stableMinerCase(16, 0.5),
  stableMinerCase(17, 0.75),
  stableMinerCase(18, 0.9),
  {
    name: "case19",
    title: "Case 19 - Client-side WTA",
    description: "noisy scores of two close servers (0.6 vs 0.55); every validator puts all weight on its own best server (client-side winner-takes-all)",
    group: "classic",
    validators: WTA_VALIDATORS_2,
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: (n) => twoServerNoisyWeights(n).map(oneHotArgmax),
    stakes: [{ from: 0, value: [0.49, 0.49, 0.02] }],
  },
  {
    name: "case20",
    title: "Case 20 - Server-side WTA",
    description: "the same noisy scores as case 19 submitted as proportional weights; the incentive goes to the top-ranked server only (server-side winner-takes-all)",
    group: "classic",
    validators: WTA_VALIDATORS_2,
    servers: TWO,
    base: 0,
    numEpochs: E,
    weights: (n) => twoServerNoisyWeights(n),
    stakes: [{ from: 0, value: [0.49, 0.49, 0.02] }],
    params: { winnerTakesAll: true },
  },
  {
    name: "case21",
    title: "Case 21 - 3 servers Client-side WTA",
    description: "noisy scores of three servers (0.30/0.35/0.40); each validator weights only its best server; incentive is also winner-takes-all",
    group: "classic",
    validators: WTA_VALIDATORS_3,
    servers: THREE,
    base: 0,
    numEpochs: E,
    weights: (n) => threeServerNoisyWeights(n).map(oneHotArgmax),
    stakes: [{ from: 0, value: [0.34, 0.33, 0.33] }],
    params: { winnerTakesAll: true },
  },
  {
    name: "case22",
    title: "Case 22 - 3 servers Server-side WTA",
    description: "the noisy three-server scores as proportional weights; the incentive goes to the top-ranked server only",
    group: "classic",
    validators: WTA_VALIDATORS_3,
    servers: THREE,
    base: 0,
    numEpochs: E,
    weights: (n) => threeServerNoisyWeights(n),
    stakes: [{ from: 0, value: [0.34, 0.33, 0.33] }],
    params: { winnerTakesAll: true },
  },
];
