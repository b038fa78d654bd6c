namespace RetryDemo.HelloService.Faults;

public sealed record FaultsResponse(FaultStateSnapshot State, FaultOptions Profile);
