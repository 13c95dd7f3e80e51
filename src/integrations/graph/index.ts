export type {
  AccessAssignment,
  DelegatedAdminRelationship,
  Graph,
  GraphError,
  GraphErrorCode,
  NewRelationship,
  RelationshipStatus,
} from "./port.ts";
export { createGraph, GraphFailure, type GraphDeps } from "./graph.ts";
