export { createWorkflowEngine, defaultEngineOptions } from "./engine/engine.ts";
export type { WorkflowEngine } from "./engine/engine.ts";
export { defineWorkflow, done, retry, wait, fail } from "./engine/definitions.ts";
export type {
  WorkflowDefinition,
  Step,
  ExternalStep,
  LocalStep,
  StepContext,
  StepOutcome,
  UndoOutcome,
} from "./engine/definitions.ts";
export type { RunView } from "./engine/runs.ts";
export type { RunEvent, RunEventType, RunState, TransitionListener, EngineOptions } from "./engine/store.ts";
export type { EngineError } from "./engine/errors.ts";
