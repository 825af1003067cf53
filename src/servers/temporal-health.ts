// Whether a Temporal frontend serves: its gRPC health check, the readiness of every Temporal server we start.
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

/** The frontend at `address` (host:port) answers the gRPC health check of its workflow service as SERVING. */
export async function temporalServing(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    const { status } = await connection.healthService.check({
      service: 'temporal.api.workflowservice.v1.WorkflowService',
    });
    return status === proto.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
  } finally {
    await connection.close();
  }
}
