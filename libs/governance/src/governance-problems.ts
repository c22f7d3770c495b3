import { ProblemError } from '@nix/domain';
import { GovernanceInputError, GovernanceNotFoundError, IllegalTransitionError, NotPermittedError } from './governance-error';

/**
 * The one mapping of governance errors to problem answers (used by the HTTP problem filter): bad input 400 naming
 * the field, no say 403, unknown 404, an illegal transition 409 with the current state. Null for any other error.
 */
export function governanceProblemOf(error: unknown): ProblemError | null {
  if (error instanceof GovernanceInputError) {
    return new ProblemError('invalid-request', error.message, { errors: [{ pointer: `/${error.field}`, detail: error.message.slice(error.field.length + 1) }] });
  }
  if (error instanceof NotPermittedError) return new ProblemError('not-permitted', `Agency ${error.actor} may not ${error.action}.`);
  if (error instanceof GovernanceNotFoundError) return new ProblemError('governance-not-found', `${capitalised(error.subject)} does not exist.`);
  if (error instanceof IllegalTransitionError) {
    return new ProblemError('illegal-transition', `${capitalised(error.subject)} is ${error.currentState}: it cannot be ${error.attempted}.`, {
      currentState: error.currentState,
    });
  }
  return null;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
