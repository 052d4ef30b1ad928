/**
 * The JDBC implementation of the engine's store on the application's database (H2 or
 * PostgreSQL), its schema, and the database's own services: durability settings and
 * PostgreSQL's notifications.
 */
@NullMarked
package dev.durable.inngest.local;

import org.jspecify.annotations.NullMarked;
