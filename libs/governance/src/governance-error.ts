/** A transition the state machine does not allow: the HTTP layer answers 409 with the current state. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly subject: string,
    readonly currentState: string,
    readonly attempted: string,
  ) {
    super(`${subject} is ${currentState}: it cannot be ${attempted}`);
    this.name = 'IllegalTransitionError';
  }
}

/** An agency acting where the rules give it no say: the HTTP layer answers 403. */
export class NotPermittedError extends Error {
  constructor(
    readonly actor: string,
    readonly action: string,
  ) {
    super(`agency ${actor} may not ${action}`);
    this.name = 'NotPermittedError';
  }
}

/** Bad input, naming the field: the HTTP layer answers 400. */
export class GovernanceInputError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'GovernanceInputError';
  }
}

/** No such request, agreement or dispute: the HTTP layer answers 404. */
export class GovernanceNotFoundError extends Error {
  constructor(readonly subject: string) {
    super(`${subject} does not exist`);
    this.name = 'GovernanceNotFoundError';
  }
}
