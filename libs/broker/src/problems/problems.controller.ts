import { Controller, Get, Param } from '@nestjs/common';
import { PROBLEM_BASE, PROBLEM_TYPES, ProblemError, type ProblemType } from '@nix/domain';

/** Each problem type URI resolves to its description, so that an error explains itself. */
@Controller('problems')
export class ProblemsController {
  @Get()
  list() {
    return { problems: Object.keys(PROBLEM_TYPES).map((type) => describe(type as ProblemType)) };
  }

  @Get(':type')
  get(@Param('type') type: string) {
    // Own keys only: `in` would also find constructor, toString and the rest of Object.prototype.
    if (!Object.hasOwn(PROBLEM_TYPES, type)) throw new ProblemError('not-found', `No problem type "${type}" exists; GET /problems lists them.`);
    return describe(type as ProblemType);
  }
}

function describe(type: ProblemType) {
  const { status, outcome, title } = PROBLEM_TYPES[type];
  return { type: PROBLEM_BASE + type, title, status, outcome };
}
