/**
 * The local engine: the JDBC implementation of the store on the application's database (H2 or
 * PostgreSQL), its schema, and the worker pool that polls, claims and executes runs.
 */
package dev.durable.inngest.local;
