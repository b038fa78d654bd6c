namespace RetryDemo.HelloService.Hello;

/// <param name="Attempt">Which attempt of the logical request this was; counted only while fail-first is on.</param>
public sealed record HelloResponse(string Message, string Instance, int? Attempt);
