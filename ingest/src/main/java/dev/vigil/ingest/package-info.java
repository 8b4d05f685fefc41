/** Reading raw audit records of every source into the canonical {@code AuditEvent}. */
package dev.vigil.ingest;
