import { Global, Module } from '@nestjs/common';
import { DomainEvents } from './domain-events.js';
import { EventsPurger } from './events-purger.js';

/** Global, like the jobs: any module records events and subscribes to them. */
@Global()
@Module({ providers: [DomainEvents, EventsPurger], exports: [DomainEvents] })
export class EventsModule {}
