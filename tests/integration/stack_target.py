# The target of the stack tests (test_stack*.sh): threads parked in known
# functions at known lines, marked LINE-NAME for the tests to find.
# Argument: how many extra threads to park in leaf_sleep.
import socket, sys, threading, time

def spin():
    x = 0
    while True:
        x += 1  # LINE-SPIN

def leaf_sleep():
    time.sleep(1000)  # LINE-SLEEP

def mid_sleep():
    leaf_sleep()  # LINE-MID

def reader(conn):
    conn.recv(10)  # LINE-RECV

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
client = socket.create_connection(server.getsockname())
conn, _ = server.accept()
threading.Thread(target=spin, name="spinner", daemon=True).start()
threading.Thread(target=reader, args=(conn,), name="reader", daemon=True).start()
for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else 0):
    threading.Thread(target=leaf_sleep, daemon=True).start()
print("ready", flush=True)
mid_sleep()  # LINE-MAIN
