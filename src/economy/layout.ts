// Field numbers of the dynamic-TAO network state in WASM memory (assembly/dtao.ts): field f of
// subnet i is the u64 at base + (f·n + i)·8. Kept in step with the AS constants by
// test/economy/layout.test.ts.

export const F = {
  F_TAO: 0,
  F_ALPHA_IN: 1,
  F_ALPHA_OUT: 2,
  F_WEIGHT: 3,
  F_FEE: 4,
  F_MECH: 5,
  F_EMA: 6,
  F_BURNED: 7,
  F_FIRST: 8,
  F_ENABLED: 9,
  F_P_SERVER: 10,
  F_P_VALIDATOR: 11,
  F_P_ROOT: 12,
  F_P_OWNER: 13,
  F_PROTOCOL: 14,
  F_HALVING: 15,
  F_RECYCLE: 16,
  F_STATIC: 17,
  F_MARKET: 18,
  F_FLOW_USER: 19,
  F_FLOW_PROTO: 20,
  F_EMA_USER_LO: 21,
  F_EMA_USER_HI: 22,
  F_EMA_PROTO_LO: 23,
  F_EMA_PROTO_HI: 24,
  T_TAO_IN: 25,
  T_EXCESS: 26,
  T_ALPHA_IN: 27,
  T_ALPHA_OUT: 28,
  T_OWNER: 29,
  T_MINERS: 30,
  T_VALIDATORS: 31,
  T_ROOT: 32,
  T_BURNED: 33,
  T_RECYCLED: 34,
  T_STUCK: 35,
  T_MARKET_IN: 36,
  T_MARKET_OUT: 37,
  T_FEES: 38,
  L_SHARE_HI: 39,
  L_SHARE_LO: 40,
  L_ROOT_PROP: 41,
  L_ALPHA_E: 42,
  L_TAO: 43,
} as const;
export const FIELDS = 44;

/** Network-wide parameters (u64 each). */
export const G = {
  G_ROOT_TAO: 0,
  G_TAU: 1,
  G_CUT: 2,
  G_CUT_ON: 3,
  G_TAKE: 4,
  G_RULE: 5,
  G_MOVING_ALPHA: 6,
  G_FLOW_SMOOTHING: 7,
} as const;
export const GLOBALS = 8;
