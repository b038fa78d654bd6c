namespace RetryDemo.ClientService.HelloServiceClient;

public sealed record GreetingReply(string Id, string Message, DateTimeOffset CreatedAt);
