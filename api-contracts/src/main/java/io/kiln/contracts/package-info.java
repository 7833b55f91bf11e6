/**
 * Kiln's wire contracts: the job request ({@link io.kiln.contracts.GenerationRequest}) and its parser, the job events
 * ({@link io.kiln.contracts.JobEvent} in a CloudEvents {@link io.kiln.contracts.JobEventEnvelope}), the JSON mapping
 * ({@link io.kiln.contracts.JsonCodec}), and the Kafka topic and header names ({@link io.kiln.contracts.Topics},
 * {@link io.kiln.contracts.Headers}). The JSON Schemas are listed in {@link io.kiln.contracts.ContractSchema}.
 */
package io.kiln.contracts;
