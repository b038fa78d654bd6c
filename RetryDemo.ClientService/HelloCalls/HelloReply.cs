namespace RetryDemo.ClientService.HelloCalls;

public sealed record HelloReply(string Message, string Instance, int? Attempt);
