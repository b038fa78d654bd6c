using RetryDemo.HelloService.Faults.State;
using RetryDemo.HelloService.Faults.Profile;

namespace RetryDemo.HelloService.Faults.Control;

public sealed record FaultsResponse(FaultStateSnapshot State, FaultOptions Profile);
