// Use-case automatic limits: each new instance of `teach_me` (each tutoring session) gets its own
// $0.05 limit that goes ok -> exceeded (at $0.04) -> overrun (at $0.05).
import { UseCaseDefinition, UseCaseLimitConfig } from "pulumi-limits";

const teachMe = new UseCaseDefinition("teach-me", {
  name: "teach_me",
  description: "Tutoring sessions",
});

const perSession = new UseCaseLimitConfig("teach-me-limit", {
  useCaseName: teachMe.name,
  max: 0.05,
  limitType: "allow",
  threshold: 0.8,
});

export const useCase = teachMe.name;
export const perSessionMax = perSession.max;
