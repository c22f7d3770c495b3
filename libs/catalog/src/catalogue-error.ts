import { ProblemError, type FieldError } from '@nix/domain';

/** A catalogue change with bad input, naming each field by JSON pointer into the body: the HTTP layer answers 400. */
export class CatalogueInputError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.pointer || '/'} ${e.detail}`).join('; '));
    this.name = 'CatalogueInputError';
  }

  static at(pointer: string, detail: string): CatalogueInputError {
    return new CatalogueInputError([{ pointer, detail }]);
  }
}

/** An agency acting where it has no say (not the working group, not the registry's custodian): 403. */
export class CatalogueNotPermittedError extends Error {
  constructor(
    readonly actor: string,
    readonly action: string,
  ) {
    super(`agency ${actor} may not ${action}`);
    this.name = 'CatalogueNotPermittedError';
  }
}

/** No such registry, service or version: 404. */
export class CatalogueNotFoundError extends Error {
  constructor(readonly subject: string) {
    super(`${subject} does not exist`);
    this.name = 'CatalogueNotFoundError';
  }
}

/** The version is already published; published versions are immutable: 409. */
export class VersionPublishedError extends Error {
  constructor(readonly subject: string) {
    super(`${subject} is already published, and a published version never changes: publish a greater version`);
    this.name = 'VersionPublishedError';
  }
}

/** A change the version's state does not allow, e.g. deprecating a retired version: 409. */
export class CatalogueStateError extends Error {
  constructor(
    readonly subject: string,
    readonly currentState: string,
    readonly attempted: string,
  ) {
    super(`${subject} is ${currentState}: it cannot be ${attempted}`);
    this.name = 'CatalogueStateError';
  }
}

/** The one mapping of catalogue errors to problem answers (for the HTTP problem filter). Null for any other error. */
export function catalogueProblemOf(error: unknown): ProblemError | null {
  if (error instanceof CatalogueInputError) return new ProblemError('invalid-request', `The service catalogue refused the change: ${error.message}.`, { errors: [...error.errors] });
  if (error instanceof CatalogueNotPermittedError) return new ProblemError('not-permitted', `Agency ${error.actor} may not ${error.action}.`);
  if (error instanceof CatalogueNotFoundError) return new ProblemError('unknown-service', `${capitalised(error.subject)} does not exist.`);
  if (error instanceof VersionPublishedError) return new ProblemError('version-published', `${capitalised(error.message)}.`);
  if (error instanceof CatalogueStateError) return new ProblemError('illegal-transition', `${capitalised(error.message)}.`, { currentState: error.currentState });
  return null;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
