import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** The working group's and agencies' dashboard over the reports API, in Persian and English. */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
