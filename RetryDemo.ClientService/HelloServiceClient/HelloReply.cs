namespace RetryDemo.ClientService.HelloServiceClient;

public sealed record HelloReply(string Message, string Instance, int? Attempt);
