import { and, assign, setup } from "xstate";
import type { StoryEvent } from "./events.js";
import { holdsAfter, holdsEmpty, liftsGateHold, withPersonHold } from "./hold-rules.js";

/**
 * The story statechart: the eight gates and the rules between them. Used only
 * through xstate's pure `transition()` (see transition.ts); its actions are
 * returned as data and turned into effects by the caller, never executed here.
 *
 * Bump MACHINE_VERSION whenever a stored snapshot of the previous version would
 * be read differently, and add its migration to snapshot.ts.
 */
export const MACHINE_VERSION = 2;

export const gates = ["intake", "plan", "preflight", "build", "verify", "safety", "review", "merge"] as const;
export type Gate = (typeof gates)[number];

/** Where a story can stand and be resumed to after a hold. */
export const steps = [
  "intake",
  "plan",
  "planApproval",
  "preflight",
  "preflightApproval",
  "build",
  "verify",
  "safety",
  "safetyApproval",
  "review",
  "reviewApproval",
  "merge",
] as const;
export type Step = (typeof steps)[number];

export const gateOfStep: Record<Step, Gate> = {
  intake: "intake",
  plan: "plan",
  planApproval: "plan",
  preflight: "preflight",
  preflightApproval: "preflight",
  build: "build",
  verify: "verify",
  safety: "safety",
  safetyApproval: "safety",
  review: "review",
  reviewApproval: "review",
  merge: "merge",
};

/** Why a story whose issue closed was killed; a later merge of its PR corrects exactly this kill (see transition.ts). */
export const ISSUE_CLOSED_REASON = "issue closed";

export type Decision = "go" | "hold" | "unhold" | "kill" | "recycle" | "retry" | "approve" | "fail" | "done";

export interface DecisionRecord {
  gate: Gate;
  decision: Decision;
  by: string;
  why: string;
  /** ISO time, stamped by the engine when the decision is stored (the machine itself has no clock). */
  at?: string;
}

/** A person's `/wave hold`. */
export interface PersonHold {
  by: string;
  reason: string;
}

/**
 * Every hold in place, each with who or what placed it; each kind has its own
 * release (see hold-rules.ts). The story resumes when none is left.
 */
export interface Holds {
  /** People's holds, one per person (a second `/wave hold` by the same person replaces its reason). */
  people?: PersonHold[];
  /** The gate itself could not pass (plan failed, max recycles, safety blocked…). */
  gate?: { gate: Gate; reason: string };
  budget?: { reason: string };
  emergency?: { by: string };
  /** GitHub suspended the app's installation; only unsuspending it lifts this. */
  installation?: { by: string };
}

export interface StoryContext {
  startedBy: string;
  maxRecycles: number;
  requirePlanApproval: boolean;
  /** The step the story is at, or will resume to when held. */
  step: Step;
  /** Automatic recycles since the last human decision. */
  recycles: number;
  verified: boolean;
  safetyPassed: boolean;
  planApprovedBy: string | null;
  approvedBy: string | null;
  holds: Holds;
  killed: { by: string; reason: string } | null;
  /** Feedback for the developer's next turn: failing test output or a human's recycle note. */
  feedback: string | null;
  lastFailure: string | null;
  pullRequest: number | null;
  decisions: DecisionRecord[];
}

export interface StoryInput {
  startedBy: string;
  maxRecycles: number;
  requirePlanApproval: boolean;
}

const MAX_DECISIONS = 50;
const workSteps = new Set<Step>(["plan", "preflight", "build", "verify", "safety", "review"]);

function decide(context: StoryContext, record: DecisionRecord): DecisionRecord[] {
  return [...context.decisions, record].slice(-MAX_DECISIONS);
}

const resumeTargets = steps.map((s) => ({ guard: { type: "resumeIs" as const, params: { step: s } }, target: `#story.${pathOfStep(s)}` }));

function pathOfStep(step: Step): string {
  switch (step) {
    case "plan":
      return "plan.working";
    case "planApproval":
      return "plan.approval";
    case "preflight":
      return "preflight.working";
    case "preflightApproval":
      return "preflight.approval";
    case "safety":
      return "safety.working";
    case "safetyApproval":
      return "safety.approval";
    case "review":
      return "review.working";
    case "reviewApproval":
      return "review.approval";
    default:
      return step;
  }
}

export const storyMachine = setup({
  types: {
    context: {} as StoryContext,
    events: {} as StoryEvent,
    input: {} as StoryInput,
  },
  actions: {
    // Effects: named here, performed by the effects layer after commit.
    queueGateJob: (_, _params: { gate: Gate }) => undefined,
    stopSandbox: () => undefined,
    enter: assign((_, params: { step: Step }) => ({ step: params.step })),
  },
  guards: {
    requiresPlanApproval: ({ context }) => context.requirePlanApproval,
    changed: ({ event }) => event.type === "BUILD_DONE" && event.filesChanged > 0,
    canRecycle: ({ context }) => context.recycles < context.maxRecycles,
    readyToMerge: ({ context }) => context.verified && context.safetyPassed,
    resumeIs: ({ context }, params: { step: Step }) => context.step === params.step,
    // An event lifts only the holds its sender may lift (hold-rules.ts); the story resumes when none is left.
    liftsAll: ({ context, event }) => holdsEmpty(holdsAfter(context.holds, event)),
    liftsSome: ({ context, event }) => JSON.stringify(holdsAfter(context.holds, event)) !== JSON.stringify(context.holds),
    liftsGate: ({ context, event }) => !!context.holds.gate && liftsGateHold(event),
    atOrAfterBuild: ({ context }) =>
      ["build", "verify", "safety", "safetyApproval", "review", "reviewApproval", "merge"].includes(context.step),
  },
}).createMachine({
  id: "story",
  initial: "intake",
  context: ({ input }) => ({
    startedBy: input.startedBy,
    maxRecycles: input.maxRecycles,
    requirePlanApproval: input.requirePlanApproval,
    step: "intake",
    recycles: 0,
    verified: false,
    safetyPassed: false,
    planApprovedBy: null,
    approvedBy: null,
    holds: {},
    killed: null,
    feedback: null,
    lastFailure: null,
    pullRequest: null,
    decisions: [],
  }),
  on: {
    // Global rules. `held`, `killed` and `done` override the ones they must.
    HOLD: {
      target: "#story.held",
      actions: assign(({ context, event }) => ({
        holds: withPersonHold(context.holds, event.by, event.reason ?? "held"),
        decisions: decide(context, { gate: gateOfStep[context.step], decision: "hold", by: event.by, why: event.reason ?? "held" }),
      })),
    },
    KILL: { target: "#story.killed", actions: assign(({ context, event }) => killWith(context, event.by, event.reason)) },
    ISSUE_CLOSED: { target: "#story.killed", actions: assign(({ context, event }) => killWith(context, event.by, ISSUE_CLOSED_REASON)) },
    PR_CLOSED: {
      target: "#story.killed",
      actions: assign(({ context, event }) => killWith(context, event.by, "pull request closed without merging")),
    },
    BUDGET_EXHAUSTED: {
      target: "#story.held",
      actions: assign(({ context, event }) => ({
        holds: { ...context.holds, budget: { reason: event.reason } },
        decisions: decide(context, { gate: gateOfStep[context.step], decision: "hold", by: event.by, why: event.reason }),
      })),
    },
    EMERGENCY_STOP: {
      target: "#story.held",
      actions: assign(({ context, event }) => ({
        holds: { ...context.holds, emergency: { by: event.by } },
        decisions: decide(context, { gate: gateOfStep[context.step], decision: "hold", by: event.by, why: "organisation emergency stop" }),
      })),
    },
    INSTALLATION_SUSPENDED: {
      target: "#story.held",
      actions: assign(({ context, event }) => ({
        holds: { ...context.holds, installation: { by: event.by } },
        decisions: decide(context, {
          gate: gateOfStep[context.step],
          decision: "hold",
          by: event.by,
          why: "the app's installation was suspended",
        }),
      })),
    },
    GATE_FAILED: {
      target: "#story.held",
      actions: assign(({ context, event }) => gateHold(context, gateOfStep[context.step], event.by, event.reason)),
    },
    BUDGET_RAISED: {
      actions: assign(({ context, event }) => ({
        decisions: decide(context, {
          gate: gateOfStep[context.step],
          decision: "go",
          by: event.by,
          why: `budget raised by ${event.usd} USD`,
        }),
      })),
    },
    RECYCLE: {
      guard: "atOrAfterBuild",
      target: "#story.build",
      actions: assign(({ context, event }) => recycleWith(context, event.by, event.feedback)),
    },
  },
  states: {
    intake: {
      entry: { type: "enter", params: { step: "intake" } },
      on: {
        INTAKE_PASSED: {
          target: "plan",
          actions: assign(({ context, event }) => ({
            decisions: decide(context, {
              gate: "intake",
              decision: "go",
              by: event.by,
              why: "labeler authorized, config valid, story parsed",
            }),
          })),
        },
      },
    },
    plan: {
      initial: "working",
      states: {
        working: {
          entry: [
            { type: "enter", params: { step: "plan" } },
            { type: "queueGateJob", params: { gate: "plan" } },
          ],
          on: {
            PLAN_READY: [
              {
                guard: "requiresPlanApproval",
                target: "approval",
                actions: assign(({ context, event }) => ({
                  decisions: decide(context, {
                    gate: "plan",
                    decision: "go",
                    by: event.by,
                    why: `plan ready (${event.summary}); waiting for approval`,
                  }),
                })),
              },
              {
                target: "#story.preflight",
                actions: assign(({ context, event }) => ({
                  decisions: decide(context, { gate: "plan", decision: "go", by: event.by, why: `plan ready (${event.summary})` }),
                })),
              },
            ],
            PLAN_FAILED: {
              target: "#story.held",
              actions: assign(({ context, event }) => gateHold(context, "plan", event.by, event.reason)),
            },
          },
        },
        approval: {
          entry: { type: "enter", params: { step: "planApproval" } },
          on: {
            APPROVE: {
              target: "#story.preflight",
              actions: assign(({ context, event }) => ({
                planApprovedBy: event.by,
                decisions: decide(context, { gate: "plan", decision: "approve", by: event.by, why: "plan approved" }),
              })),
            },
          },
        },
      },
    },
    preflight: {
      initial: "working",
      states: {
        working: {
          entry: [
            { type: "enter", params: { step: "preflight" } },
            { type: "queueGateJob", params: { gate: "preflight" } },
          ],
          on: {
            PREFLIGHT_PASSED: {
              target: "#story.build",
              actions: assign(({ context, event }) => ({
                decisions: decide(context, { gate: "preflight", decision: "go", by: event.by, why: event.summary }),
              })),
            },
            PREFLIGHT_ESCALATED: {
              target: "approval",
              actions: assign(({ context, event }) => ({
                decisions: decide(context, {
                  gate: "preflight",
                  decision: "hold",
                  by: event.by,
                  why: `plan safety score ${event.score.toFixed(2)} needs a human: ${event.reason}`,
                }),
              })),
            },
            PREFLIGHT_FAILED: {
              target: "#story.held",
              actions: assign(({ context, event }) => gateHold(context, "preflight", event.by, event.reason)),
            },
          },
        },
        approval: {
          entry: { type: "enter", params: { step: "preflightApproval" } },
          on: {
            APPROVE: {
              target: "#story.build",
              actions: assign(({ context, event }) => ({
                decisions: decide(context, { gate: "preflight", decision: "approve", by: event.by, why: "escalated plan accepted" }),
              })),
            },
          },
        },
      },
    },
    build: {
      entry: [
        { type: "enter", params: { step: "build" } },
        assign({ verified: false, safetyPassed: false, approvedBy: null }),
        { type: "queueGateJob", params: { gate: "build" } },
      ],
      on: {
        BUILD_DONE: [
          {
            guard: "changed",
            target: "verify",
            actions: assign(({ context, event }) => ({
              decisions: decide(context, { gate: "build", decision: "go", by: event.by, why: `${event.filesChanged} file(s) changed` }),
            })),
          },
          {
            target: "held",
            actions: assign(({ context, event }) => gateHold(context, "build", event.by, "the developer agent produced no change")),
          },
        ],
        BUILD_FAILED: { target: "held", actions: assign(({ context, event }) => gateHold(context, "build", event.by, event.reason)) },
      },
    },
    verify: {
      entry: [
        { type: "enter", params: { step: "verify" } },
        { type: "queueGateJob", params: { gate: "verify" } },
      ],
      on: {
        VERIFY_PASSED: {
          target: "safety",
          actions: assign(({ context, event }) => ({
            verified: true,
            feedback: null,
            decisions: decide(context, { gate: "verify", decision: "go", by: event.by, why: "tests passed in the sandbox" }),
          })),
        },
        VERIFY_FAILED: [
          {
            guard: "canRecycle",
            target: "build",
            actions: assign(({ context, event }) => ({
              recycles: context.recycles + 1,
              feedback: event.output,
              lastFailure: event.output,
              decisions: decide(context, {
                gate: "verify",
                decision: "recycle",
                by: event.by,
                why: `tests failed; recycle ${context.recycles + 1} of ${context.maxRecycles}`,
              }),
            })),
          },
          {
            target: "held",
            actions: assign(({ context, event }) => ({
              ...gateHold(context, "verify", event.by, `tests still failing after ${context.maxRecycles} recycle(s)`),
              lastFailure: event.output,
              feedback: event.output,
              // Resuming after this hold means another build attempt, not re-running the same failing tests.
              step: "build" as const,
            })),
          },
        ],
      },
    },
    safety: {
      initial: "working",
      states: {
        working: {
          entry: [
            { type: "enter", params: { step: "safety" } },
            { type: "queueGateJob", params: { gate: "safety" } },
          ],
          on: {
            SAFETY_PASSED: {
              target: "#story.review",
              actions: assign(({ context, event }) => ({
                safetyPassed: true,
                decisions: decide(context, { gate: "safety", decision: "go", by: event.by, why: `safety score ${event.score.toFixed(2)}` }),
              })),
            },
            SAFETY_ESCALATED: {
              target: "approval",
              actions: assign(({ context, event }) => ({
                decisions: decide(context, {
                  gate: "safety",
                  decision: "hold",
                  by: event.by,
                  why: `safety score ${event.score.toFixed(2)} needs a human: ${event.reason}`,
                }),
              })),
            },
            SAFETY_BLOCKED: {
              target: "#story.held",
              actions: assign(({ context, event }) =>
                gateHold(context, "safety", event.by, `safety score ${event.score.toFixed(2)}: ${event.reason}`),
              ),
            },
          },
        },
        approval: {
          entry: { type: "enter", params: { step: "safetyApproval" } },
          on: {
            APPROVE: {
              target: "#story.review",
              actions: assign(({ context, event }) => ({
                safetyPassed: true,
                decisions: decide(context, { gate: "safety", decision: "approve", by: event.by, why: "escalated safety finding accepted" }),
              })),
            },
          },
        },
      },
    },
    review: {
      initial: "working",
      states: {
        working: {
          entry: [
            { type: "enter", params: { step: "review" } },
            { type: "queueGateJob", params: { gate: "review" } },
          ],
          on: {
            REVIEW_DONE: {
              target: "approval",
              actions: assign(({ context, event }) => ({
                pullRequest: event.pullRequest,
                decisions: decide(context, {
                  gate: "review",
                  decision: "go",
                  by: event.by,
                  why: `PR #${event.pullRequest} opened; reviewer: ${event.verdict}`,
                }),
              })),
            },
            PUBLISH_FAILED: {
              target: "#story.held",
              actions: assign(({ context, event }) => gateHold(context, "review", event.by, event.reason)),
            },
          },
        },
        approval: {
          entry: { type: "enter", params: { step: "reviewApproval" } },
          on: {
            APPROVE: {
              guard: "readyToMerge",
              target: "#story.merge",
              actions: assign(({ context, event }) => ({
                approvedBy: event.by,
                decisions: decide(context, { gate: "review", decision: "approve", by: event.by, why: "approved" }),
              })),
            },
          },
        },
      },
    },
    merge: {
      entry: { type: "enter", params: { step: "merge" } },
      on: {
        PR_MERGED: {
          target: "done",
          actions: assign(({ context, event }) => ({
            decisions: decide(context, { gate: "merge", decision: "done", by: event.by, why: "pull request merged" }),
          })),
        },
      },
    },
    held: {
      entry: "stopSandbox",
      on: {
        // Further holds stack up while held; each must be released on its own.
        HOLD: { actions: assign(({ context, event }) => ({ holds: withPersonHold(context.holds, event.by, event.reason ?? "held") })) },
        // A late failure from work that was running when the story was held changes nothing.
        GATE_FAILED: { actions: [] },
        BUDGET_EXHAUSTED: { actions: assign(({ context, event }) => ({ holds: { ...context.holds, budget: { reason: event.reason } } })) },
        EMERGENCY_STOP: { actions: assign(({ context, event }) => ({ holds: { ...context.holds, emergency: { by: event.by } } })) },
        INSTALLATION_SUSPENDED: {
          actions: assign(({ context, event }) => ({ holds: { ...context.holds, installation: { by: event.by } } })),
        },
        INSTALLATION_UNSUSPENDED: [
          {
            guard: "liftsAll",
            target: "resuming",
            actions: assign(({ context, event }) => release(context, event, "installation unsuspended")),
          },
          { actions: assign(({ context, event }) => ({ holds: holdsAfter(context.holds, event) })) },
        ],
        // An unhold lifts what its sender may lift and nothing else; one that lifts nothing does not apply.
        UNHOLD: [
          { guard: "liftsAll", target: "resuming", actions: assign(({ context, event }) => release(context, event, "unhold")) },
          {
            guard: "liftsSome",
            actions: assign(({ context, event }) => ({
              holds: holdsAfter(context.holds, event),
              decisions: decide(context, {
                gate: gateOfStep[context.step],
                decision: "unhold",
                by: event.by,
                why: "hold lifted; still held by another hold",
              }),
            })),
          },
        ],
        // Retry lifts only a failed gate's hold.
        RETRY: [
          {
            guard: and(["liftsGate", "liftsAll"]),
            target: "resuming",
            actions: assign(({ context, event }) => release(context, event, "retry")),
          },
          {
            guard: "liftsGate",
            actions: assign(({ context, event }) => ({
              holds: holdsAfter(context.holds, event),
              decisions: decide(context, {
                gate: gateOfStep[context.step],
                decision: "retry",
                by: event.by,
                why: "gate hold lifted; still held by another hold",
              }),
            })),
          },
        ],
        BUDGET_RAISED: [
          {
            guard: "liftsAll",
            target: "resuming",
            actions: assign(({ context, event }) => release(context, event, `budget raised by ${event.usd} USD`)),
          },
          { actions: assign(({ context, event }) => ({ holds: holdsAfter(context.holds, event) })) },
        ],
        EMERGENCY_RESUME: [
          {
            guard: "liftsAll",
            target: "resuming",
            actions: assign(({ context, event }) => release(context, event, "emergency stop lifted")),
          },
          { actions: assign(({ context, event }) => ({ holds: holdsAfter(context.holds, event) })) },
        ],
        RECYCLE: [
          {
            // Sends the change back to build only when the sender may lift every hold in place.
            guard: and(["liftsAll", "atOrAfterBuild"]),
            target: "build",
            actions: assign(({ context, event }) => ({ ...recycleWith(context, event.by, event.feedback), holds: {} })),
          },
          // Consumed here so the story-wide RECYCLE cannot lift a hold its sender may not lift.
          { actions: [] },
        ],
        PR_MERGED: {
          target: "done",
          actions: assign(({ context, event }) => ({
            holds: {},
            decisions: decide(context, { gate: "merge", decision: "done", by: event.by, why: "pull request merged while held" }),
          })),
        },
      },
    },
    resuming: {
      always: resumeTargets,
    },
    killed: { type: "final", entry: "stopSandbox" },
    done: { type: "final", entry: "stopSandbox" },
  },
});

function killWith(context: StoryContext, by: string, reason: string): Partial<StoryContext> {
  return {
    killed: { by, reason },
    holds: {},
    decisions: decide(context, { gate: gateOfStep[context.step], decision: "kill", by, why: reason }),
  };
}

function gateHold(context: StoryContext, gate: Gate, by: string, reason: string): Partial<StoryContext> {
  return {
    holds: { ...context.holds, gate: { gate, reason } },
    lastFailure: reason,
    decisions: decide(context, { gate, decision: "hold", by, why: reason }),
  };
}

function recycleWith(context: StoryContext, by: string, feedback: string): Partial<StoryContext> {
  return { recycles: 0, feedback, decisions: decide(context, { gate: gateOfStep[context.step], decision: "recycle", by, why: feedback }) };
}

function release(context: StoryContext, event: StoryEvent, why: string): Partial<StoryContext> {
  return {
    holds: holdsAfter(context.holds, event),
    // A human looked at it: automatic recycles start counting again.
    recycles: 0,
    decisions: decide(context, {
      gate: gateOfStep[context.step],
      decision: event.type === "RETRY" ? "retry" : "unhold",
      by: event.by,
      why,
    }),
  };
}

/** Whether a step runs a job (as opposed to waiting for a human or GitHub). */
export function isWorkStep(step: Step): boolean {
  return workSteps.has(step);
}
